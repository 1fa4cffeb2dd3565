#pragma once
// A real BMC for the IPMI tests: OpenIPMI's ipmi_sim on 127.0.0.1 and a free UDP port,
// with one power sensor ("Node Power", watts, from a file polled every 200 ms) and, when
// asked, DCMI Get Power Reading from the project's loadlib module (its watts from
// another file). Started by the constructor, killed by the destructor.

#include <cstdint>
#include <filesystem>
#include <optional>

#include <sys/types.h>

#include "joulesweep/worker/power/ipmi_target.hpp"

#include "temporary_directory.hpp"

namespace joulesweep::testing {

class IpmiSimulator {
public:
    struct Options {
        bool dcmi = true;  // load the DCMI module; without it DCMI answers 0xC1
        int sensor_watts = 250;
        int dcmi_watts = 300;
    };

    explicit IpmiSimulator(const Options& options);

    IpmiSimulator() : IpmiSimulator(Options{}) {}

    ~IpmiSimulator();
    IpmiSimulator(const IpmiSimulator&) = delete;
    IpmiSimulator& operator=(const IpmiSimulator&) = delete;
    IpmiSimulator(IpmiSimulator&&) = delete;
    IpmiSimulator& operator=(IpmiSimulator&&) = delete;

    // Out of band, with the simulator's admin user and password.
    worker::power::IpmiTarget target() const;

    // The sensor changes at the simulator's next poll (200 ms); resolution 2 W.
    void set_sensor_watts(int watts) const;
    // DCMI answers from the file at every request; a timestamp freezes the BMC's clock.
    void set_dcmi_watts(int watts, std::optional<std::uint32_t> timestamp = std::nullopt) const;
    void remove_dcmi_watts() const;  // the module then reports measurement inactive

private:
    TemporaryDirectory directory_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace joulesweep::testing
