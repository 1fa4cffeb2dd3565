// `joulesweep train`: one experiment, no database, no MPI: the code path a worker rank
// runs for each run, with a progress line per epoch and the history as CSV and/or HDF5.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"
#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/model/backend_choice.hpp"
#include "joulesweep/worker/model/history_file.hpp"
#include "joulesweep/worker/model/run_inputs_file.hpp"
#include "joulesweep/worker/model/trainer.hpp"
#include "joulesweep/worker/power/power_ladder.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kTrainUsage = R"usage(Usage: joulesweep train --dataset NAME [options]
       joulesweep train --config FILE [options]

Train one experiment here and now: no database, no MPI. The dataset must be prepared
(joulesweep datasets prepare). Prints one line per epoch and writes the per-epoch
history (the statistics and wall times) with --csv and/or --hdf5. The same seed gives
the same run on the same build. --config takes a sweep file (docs/sweeps.md) whose grid
holds exactly one experiment; the options below then set only the seed and outputs.

)usage";

// The progress line shows loss and accuracy per side.
using common::kTestOffset;
using common::kValidationOffset;

// The value a flag names, or a ConfigError naming the flag and the allowed values.
template <typename Enum, std::size_t N>
Enum flag_value(const common::NameTable<Enum, N>& table,
                std::string_view flag,
                const std::string& text) {
    if (const auto value = table.find(text)) {
        return *value;
    }
    throw common::ConfigError(fmt::format(
        "train: --{}: unknown {} '{}' (expected {})", flag, table.what(), text, table.allowed()));
}

common::ExperimentConfig config_from_file(const std::string& file) {
    const coordinator::SweepPlan plan =
        coordinator::plan_sweeps(coordinator::read_sweep_file(file));
    if (plan.experiments.size() != 1) {
        throw common::ConfigError(fmt::format(
            "train: {} describes {} experiments; train runs exactly one (use enqueue for sweeps)",
            file,
            plan.experiments.size()));
    }
    return plan.experiments.front().config;
}

// Energy per epoch from the best source this node has (docs/energy.md): the energy
// between the end of one epoch and the end of the next, per domain. No idle baseline is
// measured here, so net equals gross (flag no_baseline).
class EpochEnergy {
public:
    EpochEnergy() : probe_(worker::power::probe_power_sources(worker::power::PowerOptions{})) {
        if (probe_.chosen) {
            last_ = probe_.chosen->read();
            gross_j_.resize(last_.size());
        }
    }

    std::string legend() const {
        if (!probe_.chosen) {
            return "energy: no source can run here; not measured";
        }
        return fmt::format("energy per epoch from {}{}",
                           probe_.chosen->description(),
                           probe_.under_hypervisor ? "; this node is a VM" : "");
    }

    // "  3.52 J (estimate)", or "" without a source.
    std::string next_epoch() {
        if (!probe_.chosen) {
            return "";
        }
        const std::vector<worker::power::DomainEnergy> now = probe_.chosen->read();
        double epoch_j = 0.0;
        for (std::size_t domain = 0; domain < gross_j_.size() && domain < now.size(); ++domain) {
            const double joules = now[domain].energy_j - last_[domain].energy_j;
            gross_j_[domain].push_back(static_cast<float>(joules));
            epoch_j += joules;
        }
        last_ = now;
        return fmt::format(
            "  {:.3g} J ({})", epoch_j, worker::power::to_text(probe_.chosen->kind()));
    }

    // The epochs so far as a run's energy (written to --csv and --hdf5), or nullopt
    // without a source.
    std::optional<common::RunEnergy> run_energy() const {
        if (!probe_.chosen) {
            return std::nullopt;
        }
        common::RunEnergy energy;
        energy.source = std::string(worker::power::to_text(probe_.chosen->kind()));
        energy.attribution = "whole_node";
        for (const worker::power::DomainEnergy& domain : last_) {
            energy.domains.push_back(domain.domain);
            energy.idle_w.push_back(0.0F);
            energy.unit_j.push_back(domain.unit_j);
        }
        energy.gross_j = gross_j_;
        energy.net_j = gross_j_;
        energy.share.assign(gross_j_.empty() ? 0 : gross_j_.front().size(), 1.0F);
        energy.flags.emplace_back("no_baseline");
        if (probe_.chosen->kind() == worker::power::PowerSourceKind::kEstimate) {
            energy.flags.emplace_back("estimate");
        }
        if (probe_.under_hypervisor) {
            energy.flags.emplace_back("vm");
        }
        return energy;
    }

private:
    worker::power::PowerProbe probe_;
    std::vector<worker::power::DomainEnergy> last_;
    std::vector<std::vector<float>> gross_j_;  // [domain][epoch]
};

void print_epoch(const worker::EpochReport& report, const std::string& energy) {
    std::cout << fmt::format(
        "epoch {:>{}}/{}  loss {:.5g}  accuracy {:.4f}  test loss {:.5g}  test accuracy {:.4f}  "
        "{}{:.3f} s{}{}\n",
        report.epoch,
        std::to_string(report.epochs).size(),
        report.epochs,
        report.statistics[0],
        report.statistics[1],
        report.statistics[kTestOffset],
        report.statistics[kTestOffset + 1],
        std::isnan(report.statistics[kValidationOffset])
            ? std::string()
            : fmt::format("validation loss {:.5g}  validation accuracy {:.4f}  ",
                          report.statistics[kValidationOffset],
                          report.statistics[kValidationOffset + 1]),
        report.wall_s,
        energy,
        report.diverged ? "  DIVERGED (NaN or Inf): stopping" : "");
    std::cout.flush();
}

}  // namespace

int run_train_command(const std::vector<std::string>& arguments, CommandContext& context) {
    common::ExperimentConfig config;
    config.epochs = 10;
    std::string shape = "rectangle";
    std::string optimizer = "adam";
    std::string backend = "auto";
    std::string config_file;
    std::string datasets_dir;
    std::string csv;
    std::string hdf5;
    std::string dump_inputs;
    std::uint64_t seed = 1;
    int threads = 1;
    CommandOptions options{kTrainUsage, help_section("Options for train"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "config",
        po::value<std::string>(&config_file)->value_name("FILE"),
        "a one-experiment sweep file")("dataset",
                                       po::value<std::string>(&config.dataset)->value_name("NAME"),
                                       "one of BUTTER's 13 datasets")(
        "shape",
        po::value<std::string>(&shape)->value_name("SHAPE")->default_value(shape),
        "rectangle, trapezoid, exponential, wide_first_{2,4,8,16}x or rectangle_residual")(
        "depth",
        po::value<int>(&config.depth)->value_name("N")->default_value(3),
        "Dense layers, the output layer included")(
        "size",
        po::value<std::int64_t>(&config.size)->value_name("N")->default_value(1024),
        "target number of trainable parameters (within 20%)")(
        "learning-rate",
        po::value<double>(&config.learning_rate)->value_name("LR")->default_value(1e-3, "0.001"),
        "")("batch-size",
            po::value<int>(&config.batch_size)->value_name("N")->default_value(256),
            "")("optimizer",
                po::value<std::string>(&optimizer)->value_name("NAME")->default_value(optimizer),
                common::kOptimizerNames.allowed().c_str())(
        "momentum",
        po::value<double>(&config.momentum)->value_name("M")->default_value(0.0, "0"),
        "rmsprop and sgd")(
        "l1",
        po::value<double>(&config.l1)->value_name("PENALTY")->default_value(0.0, "0"),
        "kernel L1 penalty")(
        "l2",
        po::value<double>(&config.l2)->value_name("PENALTY")->default_value(0.0, "0"),
        "kernel L2 penalty")(
        "label-noise",
        po::value<double>(&config.label_noise)->value_name("FRACTION")->default_value(0.0, "0"),
        "fraction of training labels corrupted")(
        "epochs",
        po::value<int>(&config.epochs)->value_name("N")->default_value(config.epochs),
        "")(
        "test-fraction",
        po::value<double>(&config.test_fraction)->value_name("FRACTION")->default_value(0.2, "0.2"),
        "")("validation-fraction",
            po::value<double>(&config.validation_fraction)
                ->value_name("FRACTION")
                ->default_value(0.0, "0"),
            "rows held out and evaluated after every epoch as validation_* (0: none, as BUTTER)")(
        "seed",
        po::value<std::uint64_t>(&seed)->value_name("N")->default_value(seed),
        "the run's seed: split, label noise, initial weights, batch order")(
        "backend",
        po::value<std::string>(&backend)->value_name("NAME")->default_value(backend),
        "eigen, onednn, packed (our own AVX2 GEMM), or auto (the fastest for this network, from "
        "docs/benchmarks.md)")("threads",
                               po::value<int>(&threads)->value_name("N")->default_value(threads),
                               "compute threads (oneDNN); OMP_NUM_THREADS is ignored")(
        "datasets-dir",
        po::value<std::string>(&datasets_dir)->value_name("DIR"),
        "prepared datasets. Default: <data-dir>/datasets")(
        "csv", po::value<std::string>(&csv)->value_name("FILE"), "write the history as CSV")(
        "hdf5", po::value<std::string>(&hdf5)->value_name("FILE"), "write the history as HDF5")(
        "dump-inputs",
        po::value<std::string>(&dump_inputs)->value_name("FILE"),
        "write what the run trains on (split data after label noise, initial and trained "
        "weights, every epoch's batch order) as HDF5, to replay it elsewhere "
        "(tests/golden/README.md)");
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (!config_file.empty()) {
        if (!config.dataset.empty()) {
            throw common::ConfigError(
                "train: give --config FILE or --dataset NAME with its options, not both");
        }
        config = config_from_file(config_file);
    } else {
        if (config.dataset.empty()) {
            throw common::ConfigError(
                "train: give --dataset NAME or --config FILE (see joulesweep train --help)");
        }
        config.shape = flag_value(common::kShapeNames, "shape", shape);
        config.optimizer = flag_value(common::kOptimizerNames, "optimizer", optimizer);
        config.backend = flag_value(common::kBackendNames, "backend", backend);
        // The same check as a sweep file's, before the dataset loads.
        if (const auto problem = common::find_problem(config)) {
            std::string flag(problem->field);
            std::replace(flag.begin(), flag.end(), '_', '-');
            throw common::ConfigError(fmt::format("train: --{}: {}", flag, problem->problem));
        }
    }
    if (!common::find_dataset(config.dataset)) {
        throw common::ConfigError(fmt::format("train: unknown dataset '{}' (known: {})",
                                              config.dataset,
                                              common::known_dataset_names()));
    }
    if (threads < 1) {
        throw common::ConfigError(
            fmt::format("train: --threads must be at least 1, got {}", threads));
    }
    const std::filesystem::path directory =
        datasets_dir.empty() ? std::filesystem::path(context.globals.data_dir) / "datasets"
                             : std::filesystem::path(datasets_dir);
    const worker::PreparedDataset dataset =
        worker::read_dataset_file(directory / fmt::format("{}.h5", config.dataset));
    std::cout << fmt::format("train: {}, seed {}\n", common::canonical_key(config), seed);
    EpochEnergy energy;
    std::cout << energy.legend() << '\n';
    worker::use_compute_threads(threads);
    worker::TrainingOptions training;
    training.on_epoch = [&energy](const worker::EpochReport& report) {
        print_epoch(report, energy.next_epoch());
    };
    std::unique_ptr<worker::RunInputsFile> inputs_file;
    if (!dump_inputs.empty()) {
        training.on_inputs = [&](const worker::RunInputs& inputs) {
            inputs_file = std::make_unique<worker::RunInputsFile>(
                dump_inputs, inputs, config.epochs, common::to_json(config), seed);
        };
        training.on_batch_order = [&inputs_file](int epoch, const std::vector<std::size_t>& order) {
            inputs_file->write_batch_order(epoch, order);
        };
        training.on_trained = [&inputs_file](const worker::Parameters& trained) {
            inputs_file->write_trained(trained);
        };
    }
    common::RunResult result = worker::train_run(config, dataset, seed, training);
    if (inputs_file) {
        inputs_file.reset();
        std::cout << fmt::format("inputs written to {}\n", dump_inputs);
    }
    result.energy = energy.run_energy();
    std::cout << fmt::format("network {} ({} parameters), trained by {} on {} thread{}{}\n",
                             common::format_widths(result.widths),
                             result.parameter_count,
                             common::kBackendNames.name(result.backend),
                             result.threads,
                             result.threads == 1 ? "" : "s",
                             result.diverged ? ", diverged" : "");
    if (!csv.empty()) {
        worker::write_history_csv(csv, result);
        std::cout << fmt::format("history written to {}\n", csv);
    }
    if (!hdf5.empty()) {
        worker::write_history_hdf5(hdf5, result, common::to_json(config));
        std::cout << fmt::format("history written to {}\n", hdf5);
    }
    return 0;
}

}  // namespace joulesweep::app
