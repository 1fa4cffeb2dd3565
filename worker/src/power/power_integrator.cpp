#include "joulesweep/worker/power/power_integrator.hpp"

#include <chrono>

namespace joulesweep::worker::power {

double PowerIntegrator::clock_s() noexcept {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void PowerIntegrator::add(double time_s, double watts) noexcept {
    if (started_ && time_s <= last_time_s_) {
        return;
    }
    if (started_) {
        energy_j_ += (time_s - last_time_s_) * (watts + last_watts_) / 2.0;
    }
    started_ = true;
    last_time_s_ = time_s;
    last_watts_ = watts;
}

}  // namespace joulesweep::worker::power
