#include "joulesweep/worker/power/run_energy_recorder.hpp"

#include <chrono>
#include <ctime>
#include <thread>

namespace joulesweep::worker::power {
namespace {

// How long finish() waits for the sampler's answer: a few periods (an IPMI read takes
// tens of milliseconds), plus slack for a loaded node.
constexpr int kPeriodsToWait = 3;
constexpr double kSlackS = 1.0;

double own_cpu_s() {
    timespec time{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
    return static_cast<double>(time.tv_sec) + (static_cast<double>(time.tv_nsec) * 1e-9);
}

}  // namespace

RunMark mark_now() {
    return RunMark{std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count(),
                   own_cpu_s()};
}

void RunEnergyRecorder::start_run(std::int64_t train_rows) {
    train_rows_ = train_rows;
    epoch_ends_.clear();
    start_ = mark_now();
}

void RunEnergyRecorder::end_epoch() {
    epoch_ends_.push_back(mark_now());
}

std::optional<common::RunEnergy> RunEnergyRecorder::finish() const {
    const std::optional<MeterDescription> meter = ring_.description();
    if (!meter) {
        return std::nullopt;
    }
    const std::int64_t end_ns = epoch_ends_.empty() ? start_.time_ns : epoch_ends_.back().time_ns;
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::duration<double>((kPeriodsToWait * meter->period_s) + kSlackS);
    // Ask for a sample now rather than wait for the next tick: short runs would
    // otherwise lose half a period each.
    if (ring_.newest_time_ns().value_or(0) < end_ns) {
        ring_.request_sample();
    }
    const auto pause = std::chrono::microseconds(100);
    while (ring_.newest_time_ns().value_or(0) < end_ns &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(pause);
    }
    common::RunEnergy energy = attribute_run(
        ring_.covering(start_.time_ns, end_ns), *meter, start_, epoch_ends_, whole_node_);
    energy.train_rows = train_rows_;
    return energy;
}

}  // namespace joulesweep::worker::power
