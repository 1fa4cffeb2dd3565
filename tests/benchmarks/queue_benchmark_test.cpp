#include "joulesweep/benchmarks/queue_benchmark.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "test_database.hpp"

namespace joulesweep::coordinator {

TEST_CASE("run_queue_benchmark: every step runs and reports what it measured",
          "[coordinator][db][bench]") {
    const testing::TestDatabase fresh;
    QueueBenchmarkOptions options;
    options.sweep_yaml =
        "label: bench\nrepetitions: 30\n"
        "grid: {dataset: [banana, 529_pollen], shape: rectangle, depth: [2, 3], size: 256}";
    options.sweep_source = "test sweep";
    options.batch = 4;
    options.result_epochs = 3;
    options.throughput_duration = std::chrono::seconds(1);
    options.claimer_counts = {1, 3};
    options.latency_pending = {50, 500};
    options.latency_samples = 20;
    int progress_lines = 0;
    options.on_progress = [&progress_lines](const std::string& /*line*/) {
        ++progress_lines;
    };

    const QueueBenchmarkReport report = run_queue_benchmark(fresh.target(), options);

    CHECK(report.server_version.starts_with("PostgreSQL "));
    CHECK(report.enqueue.experiments == 4);
    CHECK(report.enqueue.runs == 120);
    REQUIRE(report.throughput.size() == 2);
    CHECK(report.throughput[0].claimers == 1);
    CHECK(report.throughput[0].runs > 0);
    CHECK(report.throughput[0].runs % 4 == 0);  // whole batches while runs last
    CHECK(report.throughput[0].runs + report.throughput[1].runs <= 120);  // none twice
    REQUIRE(report.latency.size() == 2);
    CHECK(report.latency[0].pending == 50);
    CHECK(report.latency[1].samples == 20);
    CHECK(report.latency[1].median_ms > 0);
    CHECK(report.latency[1].p95_ms >= report.latency[1].median_ms);
    CHECK(progress_lines == 2 + 2 + 2);
}

}  // namespace joulesweep::coordinator
