// `joulesweep bench energy`: what measuring energy costs training. The same run, timed
// without a node meter and with one, alternating; prints the medians and the slowdown,
// and a Markdown row for docs/benchmarks.md.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/app/command.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/app/power_source_options.hpp"
#include "joulesweep/benchmarks/metering_benchmark.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = R"usage(Usage: joulesweep bench energy [options]

Measure what the energy meter costs training: one experiment (a prepared dataset) is
trained --pairs times without a meter and --pairs times with one, alternating. With a
meter, a sampler thread reads this node's best source every --energy-period seconds
(joulesweep energy probe shows which), the run marks its epochs, and its joules are
attributed when it ends, as under joulesweep run. Run it pinned to one core (taskset
-c 0) so that the sampler competes with training, as on a node whose every core
trains; scripts/bench-energy.sh does. It prints the slowdown of the medians, the median
of the pairs' ratios with its 95% confidence interval (a pair runs back to back, so the
machine's drift cancels in it), and the sampler thread's own CPU time. Target: less
than 1% slower.

)usage";

}  // namespace

int run_bench_energy(const std::vector<std::string>& arguments, CommandContext& context) {
    worker::power::MeteringBenchmarkCase bench;
    common::ExperimentConfig& config = bench.config;
    config.dataset = "banana";
    config.depth = 3;
    config.size = 16384;
    config.batch_size = 32;
    config.learning_rate = 1e-3;
    config.epochs = 30;
    std::string shape = "rectangle";
    std::string datasets_dir;
    PowerSourceOptionValues source_values;
    CommandOptions options{kUsage, help_section("Options for bench energy"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "dataset",
        po::value<std::string>(&config.dataset)->value_name("NAME")->default_value(config.dataset),
        "a prepared dataset")("datasets-dir",
                              po::value<std::string>(&datasets_dir)->value_name("DIR"),
                              "where prepared datasets are. Default: <data-dir>/datasets")(
        "shape",
        po::value<std::string>(&shape)->value_name("SHAPE")->default_value(shape),
        "network shape")(
        "depth",
        po::value<int>(&config.depth)->value_name("N")->default_value(config.depth),
        "Dense layers")(
        "size",
        po::value<std::int64_t>(&config.size)->value_name("N")->default_value(config.size),
        "target trainable parameters")(
        "batch-size",
        po::value<int>(&config.batch_size)->value_name("N")->default_value(config.batch_size),
        "batch size")("epochs",
                      po::value<int>(&config.epochs)->value_name("N")->default_value(config.epochs),
                      "epochs per run")(
        "pairs",
        po::value<int>(&bench.pairs)->value_name("N")->default_value(bench.pairs),
        "runs without and with a meter, alternating")(
        "energy-period",
        po::value<double>(&bench.meter.period_s)
            ->value_name("SECONDS")
            ->default_value(bench.meter.period_s, shortest_text(bench.meter.period_s)),
        "the meter's sampling period, as for joulesweep run");
    add_power_source_options(options.visible, source_values);
    options.hidden.add_options()("what", po::value<std::string>());
    options.positional.add("what", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    const auto parsed_shape = common::shape_from_text(shape);
    if (!parsed_shape) {
        throw common::ConfigError(fmt::format("bench energy: --shape: unknown shape '{}'", shape));
    }
    config.shape = *parsed_shape;
    if (bench.pairs < 1 || config.epochs < 1 || !(bench.meter.period_s >= 1e-3)) {
        throw common::ConfigError(
            "bench energy: --pairs and --epochs must be positive and --energy-period at least "
            "0.001");
    }
    try {
        apply_power_source_options(source_values, bench.sources);
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(fmt::format("bench energy: {}", error.what()));
    }
    const std::filesystem::path directory = datasets_directory(datasets_dir, context.globals);
    const worker::PreparedDataset dataset = worker::read_dataset(directory, config.dataset);

    std::cerr << fmt::format("bench energy: {} {} depth {} size {}, {} epochs, {} pairs\n",
                             config.dataset,
                             shape,
                             config.depth,
                             config.size,
                             config.epochs,
                             bench.pairs);
    const worker::power::MeteringBenchmarkResult result =
        worker::power::measure_metering(bench, dataset, [](int done, int of) {
            std::cerr << fmt::format("  {}/{} pairs\n", done, of);
        });
    std::cout << fmt::format("meter: {}\n", result.source);
    std::cout << fmt::format(
        "without a meter: median {:.4f} s per run\n"
        "with a meter:    median {:.4f} s per run ({} samples, {:.3g} J per run)\n"
        "slowdown: {:+.2f}% (medians)\n"
        "slowdown: {:+.2f}% (median of the pairs' ratios; 95% confidence interval {:+.2f}% to "
        "{:+.2f}%)\n"
        "the sampler thread's own CPU time: {:.4f} s, {:.3f}% of the runs' wall time\n\n",
        result.median_off_s,
        result.median_on_s,
        result.samples,
        result.joules_per_run,
        100 * result.slowdown,
        100 * result.paired_slowdown,
        100 * result.paired_low,
        100 * result.paired_high,
        result.sampler_cpu_s,
        100 * result.sampler_share);
    std::cout << fmt::format(
        "| {} {} d{} {} params, {} epochs, batch {} | {:g} s | {} | {:.4f} | "
        "{:.4f} | {:+.2f}% | {:+.2f}% ({:+.2f}% to {:+.2f}%) | {:.3f}% |\n",
        config.dataset,
        shape,
        config.depth,
        config.size,
        config.epochs,
        config.batch_size,
        bench.meter.period_s,
        bench.pairs,
        result.median_off_s,
        result.median_on_s,
        100 * result.slowdown,
        100 * result.paired_slowdown,
        100 * result.paired_low,
        100 * result.paired_high,
        100 * result.sampler_share);
    return 0;
}

}  // namespace joulesweep::app
