#pragma once

// Energy from a power that is read rather than counted (a BMC's DCMI reading or power
// sensor): the trapezoid rule between consecutive readings, as Slurm's IPMI plugin does.

namespace joulesweep::worker::power {

class PowerIntegrator {
public:
    // A reading of `watts` at `time_s` (any monotonic clock). The first one starts the
    // integral; a reading not later than the previous one is ignored.
    void add(double time_s, double watts) noexcept;

    // Seconds on the monotonic clock the readers time their readings with.
    static double clock_s() noexcept;

    double energy_j() const noexcept { return energy_j_; }

    double last_watts() const noexcept { return last_watts_; }

    bool started() const noexcept { return started_; }

private:
    bool started_ = false;
    double last_time_s_ = 0.0;
    double last_watts_ = 0.0;
    double energy_j_ = 0.0;
};

}  // namespace joulesweep::worker::power
