#pragma once
// The energy meter's cost, measured: the same training run, timed without a meter and
// with one, in alternation. With one: the sampler thread reading the node's best
// source, the epoch marks and the attribution when the run ends, as a worker does it.
// Run it on one core (taskset) so that the sampler competes with training as it does
// on a full node.
// `joulesweep bench energy` prints it; docs/benchmarks.md records the ratio.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/worker/datasets/prepared_dataset.hpp"
#include "joulesweep/worker/power/node_meter.hpp"
#include "joulesweep/worker/power/power_ladder.hpp"

namespace joulesweep::worker::power {

struct MeteringBenchmarkCase {
    common::ExperimentConfig config;
    int pairs = 10;  // off/on pairs, alternating, after one warm-up run
    MeterSettings meter;
    PowerOptions sources;
};

struct MeteringBenchmarkResult {
    std::string source;         // what the meter read
    std::vector<double> off_s;  // wall seconds per run
    std::vector<double> on_s;
    double median_off_s = 0;
    double median_on_s = 0;
    double slowdown = 0;  // median_on / median_off - 1
    // The median over pairs of on / off - 1, with its 95% confidence interval: pairs run
    // back to back, so a drift of the machine's speed cancels within each.
    double paired_slowdown = 0;
    double paired_low = 0;
    double paired_high = 0;
    std::int64_t samples = 0;   // meter readings during the runs with a meter
    double sampler_cpu_s = 0;   // CPU time of the sampler thread during those runs
    double sampler_share = 0;   // sampler_cpu_s over the wall time of those runs
    double joules_per_run = 0;  // what the meter attributed, for scale
};

// The median of `values` and a distribution-free 95% confidence interval for it: the
// order statistics of ranks (n - 1.96 sqrt(n)) / 2 and 1 + (n + 1.96 sqrt(n)) / 2, from
// the sign test. Needs at least one value.
struct MedianInterval {
    double median = 0;
    double low = 0;
    double high = 0;
};

MedianInterval median_interval(std::vector<double> values);

// `progress` is told after each pair (done, of).
MeteringBenchmarkResult measure_metering(const MeteringBenchmarkCase& benchmark,
                                         const PreparedDataset& dataset,
                                         const std::function<void(int, int)>& progress);

}  // namespace joulesweep::worker::power
