#pragma once
// The arithmetic that turns a node meter's samples into a run's joules per epoch
// (docs/energy.md, "Attribution"): the node's energy between two instants by linear
// interpolation of the cumulative counters, then this run's part of it. On a node with
// one training rank the run gets all of it ("whole_node"); with several, each gets its
// share of the node's busy CPU time ("cpu_time_share", an estimate, flagged as such).
// Net joules subtract the idle baseline for the same time, in the same share. With a
// wall meter beside RAPL, the rest of the node is the wall's energy minus the domains',
// in the same share; a run whose rest is negative beyond its tolerance is flagged.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::worker::power {

// A sample's running counts of corrected wraps and unknown intervals.
struct SampleCounts {
    std::int64_t wraps = 0;
    std::int64_t unknown_intervals = 0;
};

struct IntervalEnergy {
    std::vector<double> energy_j;  // per domain
    double busy_cpu_s = 0.0;       // the node's busy CPU time
    std::int64_t samples_inside = 0;
    bool sample_at_to = false;   // a sample exactly at `to`, in neither this nor the next
    double largest_gap_s = 0.0;  // longest time between two samples spanning the interval
    std::int64_t wraps = 0;
    std::int64_t unknown_intervals = 0;
    // The counts of the first and last samples spanning the interval, so that adjacent
    // intervals combine into one (combine_intervals); nullopt when no two samples span it.
    std::optional<SampleCounts> opening;
    std::optional<SampleCounts> closing;
    bool covered = true;  // false when no sample was at or before `from` or at or after `to`
    // The wall meter's energy, interpolated between its own reads; nullopt without a
    // wall meter, without a read on each side, or with an unknown interval between them.
    std::optional<double> wall_j;
};

// `samples` oldest first, as SampleRing::covering() returns them. It looks only at the
// samples around the interval: O(log n) plus the samples inside.
IntervalEnergy energy_between(const std::vector<EnergySample>& samples,
                              std::size_t domains,
                              std::int64_t from_ns,
                              std::int64_t to_ns);

// Adjacent intervals, in order, as one: what energy_between would say of their union,
// but for wall_j, which the rest of the node takes per epoch (left nullopt).
IntervalEnergy combine_intervals(const std::vector<IntervalEnergy>& intervals, std::size_t domains);

// A moment of the run as the training rank saw it.
struct RunMark {
    std::int64_t time_ns = 0;
    double own_cpu_s = 0.0;  // this process's CPU time, all threads
};

// Below this much node CPU time in an epoch, /proc/stat's 10 ms ticks make the epoch's
// own share meaningless; such epochs take the whole run's share instead.
constexpr double kShortestShareBasisS = 0.1;

// The rest of the node may come out below zero by this fraction of the wall's energy
// before it is called implausible: the wall is read once a second and interpolated.
constexpr double kRestOfNodeTolerance = 0.05;

// start is the run's start, epoch_ends one mark per epoch. Flags name everything a
// reader must know to trust the numbers.
common::RunEnergy attribute_run(const std::vector<EnergySample>& samples,
                                const MeterDescription& meter,
                                const RunMark& start,
                                const std::vector<RunMark>& epoch_ends,
                                bool whole_node);

// The same, from the node's energy in each epoch (energy_between of consecutive marks),
// for a caller that measured the epochs as they ended (RunEnergyRecorder).
common::RunEnergy attribute_epochs(const std::vector<IntervalEnergy>& node_epochs,
                                   const MeterDescription& meter,
                                   const RunMark& start,
                                   const std::vector<RunMark>& epoch_ends,
                                   bool whole_node);

}  // namespace joulesweep::worker::power
