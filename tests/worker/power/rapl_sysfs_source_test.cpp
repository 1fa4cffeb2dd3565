#include "joulesweep/worker/power/rapl_sysfs_source.hpp"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

#include "fake_sysfs.hpp"

namespace joulesweep::worker::power {
namespace {

double energy_of(const std::vector<DomainEnergy>& energies, const std::string& domain) {
    for (const DomainEnergy& energy : energies) {
        if (energy.domain == domain) {
            return energy.energy_j;
        }
    }
    FAIL("no domain " << domain);
    return 0.0;
}

// The message of the PowerError that opening the source throws as an unprivileged user
// (the tests run as root, whom file modes do not stop).
std::string open_error_as_nobody(const std::filesystem::path& sysfs_root) {
    std::array<int, 2> pipe_ends{};
    REQUIRE(pipe(pipe_ends.data()) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(pipe_ends[0]);
        std::string message = "opened without an error";
        constexpr uid_t kNobody = 65534;
        if (getuid() == 0 && (setgid(kNobody) != 0 || setuid(kNobody) != 0)) {
            message = "could not become nobody";
        } else {
            try {
                RaplSysfsSource source(sysfs_root);
            } catch (const common::PowerError& error) {
                message = error.what();
            }
        }
        const ssize_t written = write(pipe_ends[1], message.data(), message.size());
        _exit(written == static_cast<ssize_t>(message.size()) ? 0 : 1);
    }
    close(pipe_ends[1]);
    std::string message;
    std::array<char, 256> buffer{};
    ssize_t size = 0;
    while ((size = read(pipe_ends[0], buffer.data(), buffer.size())) > 0) {
        message.append(buffer.data(), static_cast<std::size_t>(size));
    }
    close(pipe_ends[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return message;
}

}  // namespace

TEST_CASE("RaplSysfsSource: joules per package and DRAM between reads", "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 1000000);
    sysfs.add_zone("intel-rapl:0:0", "dram", 500000);
    sysfs.add_zone("intel-rapl:0:1", "core", 700000);
    sysfs.add_zone("intel-rapl:1", "package-1", 2000000);
    RaplSysfsSource source(sysfs.sys());
    CHECK(source.kind() == PowerSourceKind::kRaplSysfs);
    CHECK_THAT(source.description(), Catch::Contains("package-0 (intel-rapl:0)"));

    sysfs.set_energy("intel-rapl:0", 3500000);    // +2.5 J
    sysfs.set_energy("intel-rapl:0:0", 1500000);  // +1 J
    sysfs.set_energy("intel-rapl:0:1", 9900000);  // core: never counted
    sysfs.set_energy("intel-rapl:1", 2250000);    // +0.25 J
    const std::vector<DomainEnergy> energies = source.read();
    REQUIRE(energies.size() == 3);
    CHECK(energy_of(energies, "package-0") == Approx(2.5));
    CHECK(energy_of(energies, "dram-0") == Approx(1.0));
    CHECK(energy_of(energies, "package-1") == Approx(0.25));

    sysfs.set_energy("intel-rapl:0", 4500000);
    CHECK(energy_of(source.read(), "package-0") == Approx(3.5));  // accumulated since opening
}

TEST_CASE("RaplSysfsSource: a counter that wraps during a run", "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 262142000000ULL);
    RaplSysfsSource source(sysfs.sys());
    sysfs.set_energy("intel-rapl:0", 262143000000ULL);
    source.read();
    sysfs.set_energy("intel-rapl:0", 1000000);
    const std::vector<DomainEnergy> energies = source.read();
    CHECK(energies[0].energy_j == Approx(1.0 + 1.32885));
    CHECK(energies[0].wraps == 1);
    CHECK(energies[0].unknown_intervals == 0);
    CHECK(energies[0].unit_j == 1e-6);  // energy_uj's unit
}

TEST_CASE(
    "RaplSysfsSource: without max_energy_range_uj a wrap is an unknown interval, not "
    "negative energy",
    "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 5000000, std::nullopt);
    RaplSysfsSource source(sysfs.sys());
    sysfs.set_energy("intel-rapl:0", 1000000);
    const std::vector<DomainEnergy> energies = source.read();
    CHECK(energies[0].energy_j == 0.0);
    CHECK(energies[0].unknown_intervals == 1);
    CHECK_THAT(energies[0].note, Catch::Contains("max_energy_range_uj is unknown"));
    sysfs.set_energy("intel-rapl:0", 3000000);
    CHECK(source.read()[0].energy_j == Approx(2.0));
}

TEST_CASE("RaplSysfsSource: a zone that stops answering keeps its energy and flags the interval",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 1000000);
    sysfs.add_zone("intel-rapl:1", "package-1", 1000000);
    RaplSysfsSource source(sysfs.sys());
    sysfs.set_energy("intel-rapl:0", 2000000);
    sysfs.set_energy("intel-rapl:1", 2000000);
    source.read();
    sysfs.write("class/powercap/intel-rapl:1/energy_uj", "");  // what a removed device reads
    sysfs.set_energy("intel-rapl:0", 3000000);
    const std::vector<DomainEnergy> energies = source.read();
    CHECK(energy_of(energies, "package-0") == Approx(2.0));
    CHECK(energy_of(energies, "package-1") == Approx(1.0));
    CHECK(energies[1].unknown_intervals == 1);
    CHECK_THAT(energies[1].note, Catch::Contains("intel-rapl:1/energy_uj holds '', not a number"));
}

TEST_CASE("RaplSysfsSource: mirrored dies are counted once, separate dies both",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0-die-0", 1000000);
    sysfs.add_zone("intel-rapl:1", "package-0-die-1", 1000000);
    RaplSysfsSource source(sysfs.sys());
    sysfs.set_energy("intel-rapl:0", 3000000);
    sysfs.set_energy("intel-rapl:1", 3000000);  // same increment: one counter shown twice
    std::vector<DomainEnergy> energies = source.read();
    CHECK(energy_of(energies, "package-0-die-0") == Approx(2.0));
    CHECK(energy_of(energies, "package-0-die-1") == 0.0);
    CHECK_THAT(energies[1].note, Catch::Contains("a mirror"));
    sysfs.set_energy("intel-rapl:0", 4000000);
    sysfs.set_energy("intel-rapl:1", 3500000);  // different: a die of its own
    energies = source.read();
    CHECK(energy_of(energies, "package-0-die-1") == Approx(0.5));
}

TEST_CASE("RaplSysfsSource: permission denied is an error naming the file, never zero",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    const auto zone = sysfs.add_zone("intel-rapl:0", "package-0", 1000000);
    std::filesystem::permissions(zone / "energy_uj", std::filesystem::perms::owner_read);
    const std::string message = open_error_as_nobody(sysfs.sys());
    CHECK_THAT(message,
               Catch::Contains("cannot open ") && Catch::Contains("intel-rapl:0/energy_uj") &&
                   Catch::Contains("Permission denied (root only since Linux 5.10)"));
}

TEST_CASE("RaplSysfsSource: no zone at all is an error with the reasons", "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0:0", "core", 1);
    CHECK_THROWS_WITH(RaplSysfsSource(sysfs.sys()),
                      Catch::Contains("no RAPL zone to read") &&
                          Catch::Contains("intel-rapl:0:0 (core): part of its package"));
}

}  // namespace joulesweep::worker::power
