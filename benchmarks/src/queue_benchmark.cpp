#include "joulesweep/benchmarks/queue_benchmark.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"
#include "joulesweep/coordinator/sweeps/enqueuer.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

namespace joulesweep::coordinator {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const QueueBenchmarkOptions& options, const std::string& line) {
    if (options.on_progress) {
        options.on_progress(line);
    }
}

// A result of plausible shape: every statistic for `epochs` epochs.
common::RunResult sample_result(int epochs) {
    common::RunResult result;
    result.host = "bench";
    result.software_json = R"({"joulesweep": "bench"})";
    result.backend = common::Backend::kEigen;
    result.widths = {64, 64, 1};
    result.parameter_count = 4545;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        const float value = 1.0F / static_cast<float>(epoch + 1);
        result.epoch_wall_s.push_back(value);
        for (auto& series : result.statistics) {
            series.push_back(value);
        }
    }
    return result;
}

std::vector<common::RunOutcome> completions_for(const std::vector<ClaimedRun>& claimed,
                                                const common::RunResult& result) {
    std::vector<common::RunOutcome> completions;
    completions.reserve(claimed.size());
    for (const ClaimedRun& run : claimed) {
        completions.push_back(common::RunOutcome{run.run_id, run.attempt, result});
        completions.back().result.seed = run.seed;
    }
    return completions;
}

CoordinatorRegistration bench_registration(int workers) {
    return CoordinatorRegistration{
        std::nullopt, "bench", static_cast<int>(getpid()), workers, "joulesweep bench"};
}

EnqueueMeasurement measure_enqueue(Database& database, const QueueBenchmarkOptions& options) {
    EnqueueMeasurement measurement;
    const auto planning = Clock::now();
    const SweepPlan plan = plan_sweeps(parse_sweeps(options.sweep_yaml, options.sweep_source));
    measurement.plan_s = seconds_since(planning);
    report(options,
           fmt::format("planned {}: {} experiments, {} runs in {:.1f} s; writing them",
                       options.sweep_source,
                       plan.experiments.size(),
                       plan.runs,
                       measurement.plan_s));
    const auto writing = Clock::now();
    const EnqueueReport written = enqueue_plan(database, plan);
    measurement.write_s = seconds_since(writing);
    measurement.experiments = written.experiments_added;
    measurement.runs = written.runs_added;
    measurement.skipped = plan.skipped;
    report(options,
           fmt::format("enqueued {} runs in {:.1f} s", measurement.runs, measurement.write_s));
    return measurement;
}

// `claimers` threads, each with its own connection and coordinator, claim and complete
// batches until the time is up. Counts only runs whose results were stored.
ThroughputMeasurement measure_throughput(const ConnectionTarget& scratch,
                                         int claimers,
                                         const QueueBenchmarkOptions& options) {
    const common::RunResult result = sample_result(options.result_epochs);
    std::atomic<std::int64_t> completed{0};
    std::atomic<Clock::time_point> deadline{Clock::time_point::max()};
    std::latch ready(claimers + 1);
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(claimers));
    std::vector<std::jthread> threads;
    threads.reserve(static_cast<std::size_t>(claimers));
    for (std::exception_ptr& failure : failures) {
        threads.emplace_back([&] {
            bool arrived = false;
            try {
                Database database(scratch);
                RunQueue queue(database, QueueOptions{});
                const auto coordinator =
                    queue.register_coordinator(bench_registration(options.batch));
                ready.arrive_and_wait();
                arrived = true;
                while (Clock::now() < deadline.load()) {
                    const auto claimed = queue.claim(coordinator, options.batch);
                    if (claimed.empty()) {
                        break;
                    }
                    completed += static_cast<std::int64_t>(
                        queue.complete(coordinator, completions_for(claimed, result)).size());
                }
                queue.mark_exited(coordinator);
            } catch (...) {
                failure = std::current_exception();
                if (!arrived) {
                    ready.count_down();  // never leave the others waiting
                }
            }
        });
    }
    ready.arrive_and_wait();  // every claimer connected and registered
    const auto start = Clock::now();
    deadline = start + options.throughput_duration;
    threads.clear();  // joins
    for (const std::exception_ptr& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    ThroughputMeasurement measurement{claimers, completed.load(), seconds_since(start)};
    report(options,
           fmt::format("{} claimer(s): {} runs claimed and completed in {:.1f} s: {:.0f} runs/s",
                       claimers,
                       measurement.runs,
                       measurement.seconds,
                       measurement.runs_per_s()));
    return measurement;
}

// Empties the queue and fills it with `pending` runs spread over the enqueued
// experiments, as an enqueue of that many runs would leave it.
void refill_queue(Database& database, std::int64_t pending) {
    database.with_transaction("refill the queue", [&](pqxx::work& transaction) {
        transaction.exec0(
            "TRUNCATE search_attempt, run_progress, energy, result, run, coordinator");
        transaction.exec_params0(
            "INSERT INTO run (experiment_id, repetition, seed) "
            "SELECT e.experiment_id, r.repetition, r.repetition "
            "FROM experiment e CROSS JOIN generate_series(0, $2::bigint / "
            "  greatest((SELECT count(*) FROM experiment), 1) + 1) AS r(repetition) "
            "ORDER BY r.repetition, e.experiment_id LIMIT $1",
            pending,
            pending);
        transaction.exec0("ANALYZE run");
    });
}

LatencyMeasurement measure_latency(Database& database,
                                   std::int64_t pending,
                                   const QueueBenchmarkOptions& options) {
    refill_queue(database, pending);
    RunQueue queue(database, QueueOptions{});
    const auto coordinator = queue.register_coordinator(bench_registration(options.batch));
    const common::RunResult result = sample_result(options.result_epochs);
    std::vector<double> samples_ms;
    samples_ms.reserve(static_cast<std::size_t>(options.latency_samples));
    for (int sample = 0; sample < options.latency_samples; ++sample) {
        const auto start = Clock::now();
        const auto claimed = queue.claim(coordinator, options.batch);
        samples_ms.push_back(seconds_since(start) * 1000.0);
        if (claimed.empty()) {
            break;
        }
        queue.complete(coordinator, completions_for(claimed, result));
    }
    std::ranges::sort(samples_ms);
    const auto at = [&samples_ms](double quantile) {
        return samples_ms[static_cast<std::size_t>(quantile *
                                                   static_cast<double>(samples_ms.size() - 1))];
    };
    LatencyMeasurement measurement{
        pending, static_cast<int>(samples_ms.size()), at(0.5), at(0.95), samples_ms.back()};
    report(options,
           fmt::format("{} pending: claim of {} takes {:.2f} ms median, {:.2f} ms p95",
                       pending,
                       options.batch,
                       measurement.median_ms,
                       measurement.p95_ms));
    return measurement;
}

}  // namespace

QueueBenchmarkReport run_queue_benchmark(const ConnectionTarget& scratch,
                                         const QueueBenchmarkOptions& options) {
    QueueBenchmarkReport benchmark;
    Database database(scratch);
    benchmark.server_version = database.server_version();
    MigrationRunner(database, known_migrations(), "joulesweep bench").migrate();

    benchmark.enqueue = measure_enqueue(database, options);
    for (const int claimers : options.claimer_counts) {
        benchmark.throughput.push_back(measure_throughput(scratch, claimers, options));
    }
    for (const std::int64_t pending : options.latency_pending) {
        benchmark.latency.push_back(measure_latency(database, pending, options));
    }
    return benchmark;
}

}  // namespace joulesweep::coordinator
