#pragma once
// A training rank's side of the node meter: it marks the start of a run and the end of
// each epoch (the time and this process's CPU time). Every quarter of the ring's span it
// copies the new samples and measures the epochs they cover, keeping only the samples
// the next epoch needs: a run of any length keeps its start, whatever the ring has
// overwritten since, in memory that does not grow with the run. When the run is over it
// attributes the epochs (epoch_attribution).

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/power/epoch_attribution.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::worker::power {

// Now, as the recorder marks it: the steady clock and this process's CPU time.
RunMark mark_now();

// Where the recorder's marks come from: mark_now, or a test's clock that moves by hand.
using MarkSource = std::function<RunMark()>;

class RunEnergyRecorder {
public:
    // `whole_node`: this is the node's only training rank.
    RunEnergyRecorder(const SampleRing& ring, bool whole_node, MarkSource marks = mark_now)
        : ring_(ring), whole_node_(whole_node), marks_(std::move(marks)) {}

    void start_run(std::int64_t train_rows);
    void end_epoch();

    // Asks the meter for a sample after the last epoch's end, waits for it (at most a
    // few sampling periods), then attributes. nullopt when the node has no meter.
    std::optional<common::RunEnergy> finish();

private:
    // Appends the ring's samples newer than the newest kept one (from the last one at or
    // before the run's start when none is kept).
    void collect_samples();
    // Measures every epoch whose end a kept sample reaches, then drops the samples
    // before the last one at or before the next epoch's start.
    void measure_covered_epochs();
    // The node's energy in epoch `epoch` from the kept samples.
    IntervalEnergy measure_epoch(std::size_t epoch) const;

    const SampleRing& ring_;
    bool whole_node_;
    MarkSource marks_;
    std::optional<MeterDescription> meter_;
    std::int64_t train_rows_ = 0;
    RunMark start_;
    std::vector<RunMark> epoch_ends_;
    std::vector<EnergySample> kept_;
    std::vector<IntervalEnergy> node_epochs_;  // the node's energy in each measured epoch
    std::int64_t next_collect_ns_ = 0;
};

}  // namespace joulesweep::worker::power
