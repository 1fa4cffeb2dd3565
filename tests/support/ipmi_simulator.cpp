#include "ipmi_simulator.hpp"

#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace joulesweep::testing {
namespace {

constexpr const char* kUser = "admin";
constexpr const char* kPassword = "secret";

// A UDP port nobody uses now (bound, read back, released).
int free_udp_port() {
    const int socket_fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (socket_fd < 0 || bind(socket_fd, generic, sizeof(address)) != 0 ||
        getsockname(socket_fd, generic, &length) != 0) {
        throw std::runtime_error("ipmi_sim fixture: cannot find a free UDP port");
    }
    close(socket_fd);
    return ntohs(address.sin_port);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

}  // namespace

IpmiSimulator::IpmiSimulator(const Options& options) : port_(free_udp_port()) {
    set_sensor_watts(options.sensor_watts);
    set_dcmi_watts(options.dcmi_watts);
    // The same script starts the simulator for the shell tests (tests/system/t0600).
    const std::string command = fmt::format("'{}' '{}' {} {} 2>&1",
                                            JOULESWEEP_IPMI_SIM_SCRIPT,
                                            directory_.path().string(),
                                            port_,
                                            options.dcmi ? JOULESWEEP_DCMI_MODULE : "");
    FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): a test fixture
    if (pipe == nullptr) {
        throw std::runtime_error("ipmi_sim fixture: cannot run " + command);
    }
    std::string output;
    std::array<char, 256> buffer{};
    while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
        output += buffer.data();
    }
    if (pclose(pipe) != 0) {
        throw std::runtime_error("ipmi_sim fixture: " + output);
    }
    pid_ = static_cast<pid_t>(std::stol(output));
}

IpmiSimulator::~IpmiSimulator() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        // Not our child (the script started it): wait until it is gone.
        for (int attempt = 0; attempt < 200 && kill(pid_, 0) == 0; ++attempt) {
            usleep(10000);
        }
    }
}

worker::power::IpmiTarget IpmiSimulator::target() const {
    worker::power::IpmiTarget target;
    target.host = fmt::format("127.0.0.1:{}", port_);
    target.user = kUser;
    target.password = kPassword;
    target.privilege = worker::power::IpmiPrivilege::kAdmin;  // ipmi_sim asks admin for DCMI
    target.sdr_cache = directory_.path() / "sdr-cache";
    return target;
}

void IpmiSimulator::set_sensor_watts(int watts) const {
    // The simulator divides by 2 (div=2) and the SDR multiplies by 2.
    write_file(directory_.path() / "sensor_watts", std::to_string(watts));
}

void IpmiSimulator::set_dcmi_watts(int watts, std::optional<std::uint32_t> timestamp) const {
    write_file(directory_.path() / "dcmi_watts",
               timestamp ? fmt::format("{} {}", watts, *timestamp) : std::to_string(watts));
}

void IpmiSimulator::remove_dcmi_watts() const {
    std::filesystem::remove(directory_.path() / "dcmi_watts");
}

}  // namespace joulesweep::testing
