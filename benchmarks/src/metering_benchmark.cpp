#include "joulesweep/benchmarks/metering_benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/model/trainer.hpp"
#include "joulesweep/worker/power/run_energy_recorder.hpp"

namespace joulesweep::worker::power {
namespace {

constexpr std::uint64_t kSeed = 1;

double median(std::vector<double> values) {
    return median_interval(std::move(values)).median;
}

}  // namespace

MedianInterval median_interval(std::vector<double> values) {
    if (values.empty()) {
        throw common::InternalError("median_interval: no values");
    }
    constexpr double kNormal95 = 1.96;
    std::sort(values.begin(), values.end());
    const auto count = static_cast<double>(values.size());
    const std::size_t middle = values.size() / 2;
    MedianInterval interval;
    interval.median =
        values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    const double spread = kNormal95 * std::sqrt(count);
    // 1-based ranks to 0-based indices, kept inside the values.
    const double low_rank = std::floor((count - spread) / 2);
    const double high_rank = std::ceil(1 + ((count + spread) / 2));
    interval.low = values[static_cast<std::size_t>(std::clamp(low_rank - 1, 0.0, count - 1))];
    interval.high = values[static_cast<std::size_t>(std::clamp(high_rank - 1, 0.0, count - 1))];
    return interval;
}

namespace {

// One run's wall time; with a recorder, its marks and the attribution included.
double timed_run(const MeteringBenchmarkCase& benchmark,
                 const PreparedDataset& dataset,
                 RunEnergyRecorder* recorder,
                 double* joules) {
    TrainingOptions options;
    if (recorder != nullptr) {
        options.on_start = [recorder](std::int64_t rows) {
            recorder->start_run(rows);
        };
        options.on_epoch = [recorder](const EpochReport& /*report*/) {
            recorder->end_epoch();
        };
    }
    const auto started = std::chrono::steady_clock::now();
    train_run(benchmark.config, dataset, kSeed, options);
    if (recorder != nullptr) {
        const std::optional<common::RunEnergy> energy = recorder->finish();
        if (energy && joules != nullptr) {
            for (const auto& domain : energy->gross_j) {
                for (const float value : domain) {
                    *joules += value;
                }
            }
        }
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

MeteringBenchmarkResult measure_metering(const MeteringBenchmarkCase& benchmark,
                                         const PreparedDataset& dataset,
                                         const std::function<void(int, int)>& progress) {
    if (benchmark.pairs < 1) {
        throw common::ConfigError("bench energy: at least one pair of runs is needed");
    }
    MeteringBenchmarkResult result;
    {
        const PowerProbe probe = probe_power_sources(benchmark.sources);
        if (!probe.chosen) {
            throw common::PowerError("bench energy: no energy source can run here");
        }
        result.source = probe.chosen->description();
        if (probe.wall) {
            result.source += "; beside it, for the rest of the node, " + probe.wall->description();
        }
    }
    LocalRingMemory memory;
    MeterSettings settings = benchmark.meter;
    settings.idle_baseline_s = 0.0;  // once per job, not per run: not what is measured here

    timed_run(benchmark, dataset, nullptr, nullptr);  // warm-up: caches, allocations
    double joules = 0;
    for (int pair = 0; pair < benchmark.pairs; ++pair) {
        // The order alternates so that neither side always runs on a warmer machine.
        const bool on_first = pair % 2 == 1;
        for (int side = 0; side < 2; ++side) {
            const bool on = (side == 0) == on_first;
            if (!on) {
                result.off_s.push_back(timed_run(benchmark, dataset, nullptr, nullptr));
                continue;
            }
            // A job starts its meter once; only the run is timed, with the sampler
            // thread, the marks and the attribution a worker does.
            PowerProbe probe = probe_power_sources(benchmark.sources);
            settings.under_hypervisor = probe.under_hypervisor;
            const SampleRing ring = SampleRing::create(memory.data());
            const NodeMeter meter(std::move(probe.chosen), ring, settings, std::move(probe.wall));
            RunEnergyRecorder recorder(ring, true);
            const double cpu_before = meter.sampler_cpu_s();
            result.on_s.push_back(timed_run(benchmark, dataset, &recorder, &joules));
            result.sampler_cpu_s += meter.sampler_cpu_s() - cpu_before;
            result.samples += static_cast<std::int64_t>(
                ring.covering(0, ring.newest_time_ns().value_or(0)).size());
        }
        if (progress) {
            progress(pair + 1, benchmark.pairs);
        }
    }
    result.median_off_s = median(result.off_s);
    result.median_on_s = median(result.on_s);
    result.slowdown = (result.median_on_s / result.median_off_s) - 1;
    std::vector<double> pair_slowdowns;
    for (std::size_t pair = 0; pair < result.on_s.size(); ++pair) {
        pair_slowdowns.push_back((result.on_s[pair] / result.off_s.at(pair)) - 1);
    }
    const MedianInterval paired = median_interval(pair_slowdowns);
    result.paired_slowdown = paired.median;
    result.paired_low = paired.low;
    result.paired_high = paired.high;
    result.joules_per_run = joules / benchmark.pairs;
    double on_total_s = 0;
    for (const double seconds : result.on_s) {
        on_total_s += seconds;
    }
    result.sampler_share = result.sampler_cpu_s / on_total_s;
    return result;
}

}  // namespace joulesweep::worker::power
