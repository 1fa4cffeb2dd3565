#pragma once
// A training rank's side of the node meter: it marks the start of a run and the end of
// each epoch (the time and this process's CPU time), and when the run is over reads the
// samples that cover it and attributes them (epoch_attribution).

#include <cstdint>
#include <optional>
#include <vector>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/power/epoch_attribution.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::worker::power {

class RunEnergyRecorder {
public:
    // `whole_node`: this is the node's only training rank.
    RunEnergyRecorder(const SampleRing& ring, bool whole_node)
        : ring_(ring), whole_node_(whole_node) {}

    void start_run(std::int64_t train_rows);
    void end_epoch();

    // Asks the meter for a sample after the last epoch's end, waits for it (at most a
    // few sampling periods), then attributes. nullopt when the node has no meter.
    std::optional<common::RunEnergy> finish() const;

private:
    const SampleRing& ring_;
    bool whole_node_;
    std::int64_t train_rows_ = 0;
    RunMark start_;
    std::vector<RunMark> epoch_ends_;
};

// Now, as the recorder marks it.
RunMark mark_now();

}  // namespace joulesweep::worker::power
