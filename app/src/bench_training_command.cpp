// `joulesweep bench training`: training-step throughput of each backend on rectangle
// networks, next to the oneDNN matmul ceiling on the same layer shapes and the core's
// FMA peak. One JSON object per measurement on stdout (scripts/bench-training.sh joins
// them with the PyTorch peer's), progress on stderr.
#include <charconv>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/app/command.hpp"
#include "joulesweep/benchmarks/training_benchmark.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/model/backend_choice.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = R"usage(Usage: joulesweep bench training [options]

Measure training throughput: samples per second of the training step (forward pass,
loss, backward pass, Adam update) on rectangle networks of --networks (DEPTHxWIDTH:
DEPTH Dense layers, the hidden ones WIDTH wide, then a 10-class softmax), with
synthetic inputs of --input-width features, at each batch size, thread count and
backend. Also measured: oneDNN's own f32 matmul on each network's layer shapes (the
GEMM ceiling) and the core's FP32 FMA peak. Prints one JSON object per measurement;
scripts/bench-training.sh adds the PyTorch peer and writes the table in
docs/benchmarks.md.

)usage";

struct Network {
    int depth = 0;
    int width = 0;
};

int positive(std::string_view text, std::string_view what) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1) {
        throw common::ConfigError(fmt::format(
            "bench training: {} must be a positive whole number, got '{}'", what, text));
    }
    return value;
}

std::vector<Network> parse_networks(const std::string& text) {
    std::vector<Network> networks;
    for (const std::string_view item : split_commas(text)) {
        const auto cross = item.find('x');
        if (cross == std::string_view::npos) {
            throw common::ConfigError(fmt::format(
                "bench training: --networks takes DEPTHxWIDTH items such as 3x64, got '{}'", item));
        }
        const Network network{positive(item.substr(0, cross), "a network's depth"),
                              positive(item.substr(cross + 1), "a network's width")};
        if (network.depth < 2) {
            throw common::ConfigError(fmt::format(
                "bench training: '{}' has no hidden layer; the depth must be at least 2", item));
        }
        networks.push_back(network);
    }
    return networks;
}

std::vector<int> parse_positive_list(const std::string& text, std::string_view option) {
    std::vector<int> values;
    for (const std::string_view item : split_commas(text)) {
        values.push_back(positive(item, option));
    }
    return values;
}

}  // namespace

int run_bench_training(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string networks_text = "3x64,5x512,6x2048,20x128";
    std::string batches_text = "32,256";
    std::string threads_text = "1";
    std::string backends_text = worker::backend_available(worker::Backend::kPacked)
                                    ? "eigen,onednn,packed"
                                    : "eigen,onednn";
    worker::TrainingBenchmarkCase base;
    CommandOptions options{kUsage, help_section("Options for bench training"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "networks",
        po::value<std::string>(&networks_text)->value_name("DxW,...")->default_value(networks_text),
        "networks to train")(
        "batches",
        po::value<std::string>(&batches_text)->value_name("N,...")->default_value(batches_text),
        "batch sizes")(
        "threads",
        po::value<std::string>(&threads_text)->value_name("N,...")->default_value(threads_text),
        "threads per measurement (OpenMP, used by oneDNN and packed; Eigen stays single-threaded)")(
        "backends",
        po::value<std::string>(&backends_text)->value_name("B,...")->default_value(backends_text),
        "eigen, onednn and/or packed")(
        "input-width",
        po::value<int>(&base.input_width)->value_name("N")->default_value(base.input_width),
        "synthetic input features")(
        "seconds",
        po::value<double>(&base.seconds)
            ->value_name("S")
            ->default_value(base.seconds, shortest_text(base.seconds)),
        "minimum timed seconds per measurement (after 3 warm-up steps; at least 5 steps)");
    options.hidden.add_options()("what", po::value<std::string>());
    options.positional.add("what", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (base.input_width < 1 || !(base.seconds > 0)) {
        throw common::ConfigError("bench training: --input-width and --seconds must be positive");
    }
    std::vector<worker::Backend> backends;
    for (const std::string_view name : split_commas(backends_text)) {
        const worker::Backend backend = common::kBackendNames.parse(name);
        if (backend == worker::Backend::kAuto) {
            throw common::ConfigError(
                "bench training: --backends takes eigen, onednn and packed, not auto");
        }
        backends.push_back(backend);
    }
    const auto networks = parse_networks(networks_text);
    const auto batches = parse_positive_list(batches_text, "--batches");
    const auto thread_counts = parse_positive_list(threads_text, "--threads");

    std::cerr << "bench training: measuring the FP32 FMA peak of one core\n";
    const double peak = worker::measure_fma_peak(base.seconds);
    std::cout << nlohmann::json{{"kind", "fma_peak"}, {"threads", 1}, {"gflop_per_s", peak}}.dump()
              << std::endl;
    for (const Network& network : networks) {
        for (const int batch : batches) {
            for (const int threads : thread_counts) {
                worker::TrainingBenchmarkCase benchmark = base;
                benchmark.depth = network.depth;
                benchmark.width = network.width;
                benchmark.batch = batch;
                benchmark.threads = threads;
                nlohmann::json common_fields{{"depth", network.depth},
                                             {"width", network.width},
                                             {"batch", batch},
                                             {"threads", threads}};
                std::cerr << fmt::format("bench training: d{} w{} b{} t{}: matmul ceiling\n",
                                         network.depth,
                                         network.width,
                                         batch,
                                         threads);
                nlohmann::json ceiling = common_fields;
                ceiling["kind"] = "matmul_ceiling";
                ceiling["gflop_per_s"] = worker::measure_matmul_ceiling(benchmark);
                std::cout << ceiling.dump() << std::endl;
                for (const worker::Backend backend : backends) {
                    benchmark.backend = backend;
                    std::cerr << fmt::format("bench training: d{} w{} b{} t{}: {}\n",
                                             network.depth,
                                             network.width,
                                             batch,
                                             threads,
                                             common::kBackendNames.name(backend));
                    const auto result = worker::measure_training(benchmark);
                    nlohmann::json line = common_fields;
                    line["kind"] = "training";
                    line["backend"] = common::kBackendNames.name(backend);
                    line["samples_per_s"] = result.samples_per_s;
                    line["matmul_gflop_per_s"] = result.matmul_gflop_per_s;
                    std::cout << line.dump() << std::endl;
                }
            }
        }
    }
    return 0;
}

}  // namespace joulesweep::app
