#pragma once
// The queue's benchmark (`joulesweep bench queue`): how fast a sweep is enqueued, how many
// runs per second claimers get through (claim a batch, complete it with results), and
// how the claim's latency changes with the number of pending runs. It runs on a scratch
// database the caller provides, never on a real queue, with the server's own durability
// settings.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "joulesweep/coordinator/db/connection_target.hpp"

namespace joulesweep::coordinator {

struct QueueBenchmarkOptions {
    std::string sweep_yaml;    // the sweep to enqueue (a preset's text or a file's)
    std::string sweep_source;  // its name in messages, e.g. "preset primary"
    int batch = 32;            // runs per claim and per completion transaction
    int result_epochs = 10;    // epochs in each stored result (20 arrays of this length)
    std::chrono::seconds throughput_duration{10};
    std::vector<int> claimer_counts{1, 4};  // one connection each
    std::vector<std::int64_t> latency_pending{10'000, 1'000'000};
    int latency_samples = 300;                            // claims timed per queue size
    std::function<void(const std::string&)> on_progress;  // one line per step; may be empty
};

struct EnqueueMeasurement {
    std::int64_t experiments = 0;
    std::int64_t runs = 0;
    std::int64_t skipped = 0;  // points that cannot be built
    double plan_s = 0;         // parse and expand the sweep
    double write_s = 0;        // the COPY transaction
};

struct ThroughputMeasurement {
    int claimers = 0;
    std::int64_t runs = 0;  // claimed and completed, results stored
    double seconds = 0;

    double runs_per_s() const { return seconds > 0 ? static_cast<double>(runs) / seconds : 0; }
};

struct LatencyMeasurement {
    std::int64_t pending = 0;
    int samples = 0;
    double median_ms = 0;
    double p95_ms = 0;
    double max_ms = 0;
};

struct QueueBenchmarkReport {
    std::string server_version;
    EnqueueMeasurement enqueue;
    std::vector<ThroughputMeasurement> throughput;
    std::vector<LatencyMeasurement> latency;
};

// Runs every step on `scratch` (an empty database: it is migrated, filled and emptied).
QueueBenchmarkReport run_queue_benchmark(const ConnectionTarget& scratch,
                                         const QueueBenchmarkOptions& options);

}  // namespace joulesweep::coordinator
