#include "joulesweep/worker/power/run_energy_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <thread>

namespace joulesweep::worker::power {
namespace {

// How long finish() waits for the sampler's answer: a few periods (an IPMI read takes
// tens of milliseconds), plus slack for a loaded node.
constexpr int kPeriodsToWait = 3;
constexpr double kSlackS = 1.0;

// Samples are copied every quarter of the ring's span, so the writer can be three
// quarters of a lap late (a descheduled rank) before any is lost; even then only
// resolution is lost, since the counters are cumulative.
constexpr double kCollectsPerLap = 4.0;

std::int64_t collect_interval_ns(const MeterDescription& meter) {
    return static_cast<std::int64_t>(static_cast<double>(kRingCapacity) / kCollectsPerLap *
                                     meter.period_s * 1e9);
}

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
    kept_.clear();
    node_epochs_.clear();
    meter_ = ring_.description();
    start_ = marks_();
    if (meter_) {
        collect_samples();
        next_collect_ns_ = start_.time_ns + collect_interval_ns(*meter_);
    }
}

void RunEnergyRecorder::end_epoch() {
    epoch_ends_.push_back(marks_());
    if (meter_ && epoch_ends_.back().time_ns >= next_collect_ns_) {
        collect_samples();
        measure_covered_epochs();
        next_collect_ns_ = epoch_ends_.back().time_ns + collect_interval_ns(*meter_);
    }
}

void RunEnergyRecorder::collect_samples() {
    if (kept_.empty()) {
        kept_ = ring_.covering(start_.time_ns, std::numeric_limits<std::int64_t>::max());
        return;
    }
    const std::int64_t newest_kept = kept_.back().time_ns;
    for (const EnergySample& sample :
         ring_.covering(newest_kept, std::numeric_limits<std::int64_t>::max())) {
        if (sample.time_ns > newest_kept) {
            kept_.push_back(sample);
        }
    }
}

void RunEnergyRecorder::measure_covered_epochs() {
    while (node_epochs_.size() < epoch_ends_.size() && !kept_.empty() &&
           kept_.back().time_ns >= epoch_ends_[node_epochs_.size()].time_ns) {
        node_epochs_.push_back(measure_epoch(node_epochs_.size()));
    }
    if (node_epochs_.empty()) {
        return;
    }
    const std::int64_t next_from = epoch_ends_[node_epochs_.size() - 1].time_ns;
    const auto first_after = std::upper_bound(
        kept_.begin(), kept_.end(), next_from, [](std::int64_t time, const EnergySample& sample) {
            return time < sample.time_ns;
        });
    if (first_after - kept_.begin() > 1) {
        kept_.erase(kept_.begin(), first_after - 1);
    }
}

IntervalEnergy RunEnergyRecorder::measure_epoch(std::size_t epoch) const {
    const RunMark& from = epoch == 0 ? start_ : epoch_ends_[epoch - 1];
    return energy_between(
        kept_, meter_->domains.size(), from.time_ns, epoch_ends_.at(epoch).time_ns);
}

std::optional<common::RunEnergy> RunEnergyRecorder::finish() {
    if (!meter_) {
        return std::nullopt;
    }
    const std::int64_t end_ns = epoch_ends_.empty() ? start_.time_ns : epoch_ends_.back().time_ns;
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::duration<double>((kPeriodsToWait * meter_->period_s) + kSlackS);
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
    collect_samples();
    measure_covered_epochs();
    // Epochs no sample reaches (the meter stalled): held at the newest, flagged uncovered.
    for (std::size_t epoch = node_epochs_.size(); epoch < epoch_ends_.size(); ++epoch) {
        node_epochs_.push_back(measure_epoch(epoch));
    }
    common::RunEnergy energy =
        attribute_epochs(node_epochs_, *meter_, start_, epoch_ends_, whole_node_);
    energy.train_rows = train_rows_;
    return energy;
}

}  // namespace joulesweep::worker::power
