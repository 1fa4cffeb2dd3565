// `joulesweep bench queue`: the queue's benchmark on a scratch database, printed as
// lines while it runs and as a Markdown table for docs/benchmarks.md at the end.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/benchmarks/queue_benchmark.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/scratch_database.hpp"
#include "joulesweep/coordinator/sweeps/sweep_presets.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kBenchUsage = R"usage(Usage: joulesweep bench queue [options]
       joulesweep bench training [options]   (see joulesweep bench training --help)
       joulesweep bench energy [options]     (see joulesweep bench energy --help)

Benchmark the queue on a scratch database, `joulesweep_bench`, created on the server
that --db names (default: the embedded cluster) and dropped afterwards; any database
of that name is replaced. It measures, in order:
  1. enqueue: parse, expand and COPY the sweep (default: BUTTER's primary sweep);
  2. throughput: N claimers, each with its own connection, claim a batch, complete it
     with results (20 arrays of --result-epochs values) and repeat for --seconds;
  3. claim latency with the queue refilled to each --latency-pending size.
The server keeps its own durability settings (the embedded cluster's are PostgreSQL's
defaults: fsync and synchronous_commit on). Results go to docs/benchmarks.md.

)usage";

std::vector<std::int64_t> parse_counts(const std::string& text, std::string_view option) {
    std::vector<std::int64_t> counts;
    for (const std::string_view item : split_commas(text)) {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || error != std::errc() || end != item.data() + item.size() || value < 1) {
            throw common::ConfigError(
                fmt::format("bench: {} takes positive whole numbers separated by commas, got '{}'",
                            option,
                            text));
        }
        counts.push_back(value);
    }
    return counts;
}

void require_positive(int value, std::string_view option) {
    if (value < 1) {
        throw common::ConfigError(
            fmt::format("bench: {} must be at least 1, got {}", option, value));
    }
}

std::string markdown_report(const coordinator::QueueBenchmarkReport& report,
                            const coordinator::QueueBenchmarkOptions& options) {
    std::string out = fmt::format(
        "| step | measured |\n|---|---|\n"
        "| enqueue {} ({} experiments, {} runs; {} points skipped as unbuildable) | {:.1f} s "
        "(plan {:.1f} s, write {:.1f} s) |\n",
        options.sweep_source,
        report.enqueue.experiments,
        report.enqueue.runs,
        report.enqueue.skipped,
        report.enqueue.plan_s + report.enqueue.write_s,
        report.enqueue.plan_s,
        report.enqueue.write_s);
    for (const auto& throughput : report.throughput) {
        out += fmt::format("| claim + complete, {} claimer(s), batches of {} | {:.0f} runs/s |\n",
                           throughput.claimers,
                           options.batch,
                           throughput.runs_per_s());
    }
    for (const auto& latency : report.latency) {
        out += fmt::format("| claim of {} with {} pending | {:.2f} ms median, {:.2f} ms p95 |\n",
                           options.batch,
                           latency.pending,
                           latency.median_ms,
                           latency.p95_ms);
    }
    if (report.latency.size() >= 2 && report.latency.front().median_ms > 0) {
        out += fmt::format("| latency ratio, {} vs {} pending (median) | {:.2f}x |\n",
                           report.latency.back().pending,
                           report.latency.front().pending,
                           report.latency.back().median_ms / report.latency.front().median_ms);
    }
    return out;
}

}  // namespace

int run_bench_command(const std::vector<std::string>& arguments, CommandContext& context) {
    if (!arguments.empty() && arguments.front() == "training") {
        return run_bench_training(arguments, context);
    }
    if (!arguments.empty() && arguments.front() == "energy") {
        return run_bench_energy(arguments, context);
    }
    std::string what;
    std::string preset = "primary";
    std::string claimers = "1,4";
    std::string latency_pending = "10000,1000000";
    int seconds = 10;
    bool keep = false;
    coordinator::QueueBenchmarkOptions bench;
    CommandOptions options{kBenchUsage, help_section("Options for bench queue"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "preset",
        po::value<std::string>(&preset)->value_name("NAME")->default_value(preset),
        "the sweep to enqueue in step 1")(
        "claimers",
        po::value<std::string>(&claimers)->value_name("N,...")->default_value(claimers),
        "claimer counts to measure in step 2")(
        "seconds",
        po::value<int>(&seconds)->value_name("S")->default_value(seconds),
        "how long each throughput measurement runs")(
        "batch",
        po::value<int>(&bench.batch)->value_name("N")->default_value(bench.batch),
        "runs per claim and per completion")(
        "result-epochs",
        po::value<int>(&bench.result_epochs)->value_name("N")->default_value(bench.result_epochs),
        "epochs in each stored result")("latency-pending",
                                        po::value<std::string>(&latency_pending)
                                            ->value_name("N,...")
                                            ->default_value(latency_pending),
                                        "queue sizes at which step 3 times the claim")(
        "latency-samples",
        po::value<int>(&bench.latency_samples)
            ->value_name("N")
            ->default_value(bench.latency_samples),
        "claims timed at each queue size")(
        "keep", po::bool_switch(&keep), "keep the joulesweep_bench database afterwards");
    options.hidden.add_options()("what", po::value<std::string>(&what));
    options.positional.add("what", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (what != "queue") {
        throw common::ConfigError(
            what.empty()
                ? std::string("bench: say what to benchmark: queue, training or energy (see "
                              "joulesweep bench --help)")
                : fmt::format("bench: unknown benchmark '{}' (expected queue, training or "
                              "energy)",
                              what));
    }
    const auto text = coordinator::preset_text(preset);
    if (!text) {
        throw common::ConfigError(fmt::format("bench: unknown preset '{}' (known: {})",
                                              preset,
                                              fmt::join(coordinator::preset_names(), ", ")));
    }
    require_positive(seconds, "--seconds");
    require_positive(bench.batch, "--batch");
    require_positive(bench.result_epochs, "--result-epochs");
    require_positive(bench.latency_samples, "--latency-samples");
    bench.sweep_yaml = std::string(*text);
    bench.sweep_source = fmt::format("preset {}", preset);
    bench.throughput_duration = std::chrono::seconds(seconds);
    bench.claimer_counts.clear();
    for (const std::int64_t count : parse_counts(claimers, "--claimers")) {
        bench.claimer_counts.push_back(static_cast<int>(count));
    }
    bench.latency_pending = parse_counts(latency_pending, "--latency-pending");
    bench.on_progress = [](const std::string& line) {
        std::cout << "bench: " << line << std::endl;
    };

    coordinator::ScratchDatabase scratch(resolve_database(context.globals), "joulesweep_bench");
    if (keep) {
        scratch.keep();
    }
    std::cout << fmt::format("bench: scratch database {}\n", scratch.target().description);
    const auto report = coordinator::run_queue_benchmark(scratch.target(), bench);
    std::cout << fmt::format("\n{}, {}, {} hardware threads\n\n",
                             software_name(),
                             report.server_version,
                             std::thread::hardware_concurrency())
              << markdown_report(report, bench);
    return 0;
}

}  // namespace joulesweep::app
