// `joulesweep train`: one experiment, no database, no MPI: the code path a worker rank
// runs for each run, with a progress line per epoch and the history as CSV and/or HDF5.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"
#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/model/backend_choice.hpp"
#include "joulesweep/worker/model/history_file.hpp"
#include "joulesweep/worker/model/run_inputs_file.hpp"
#include "joulesweep/worker/model/search_trainer.hpp"
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
the same run on the same build. The experiment's flags share their defaults with sweep
files (BUTTER's primary sweep point: Adam at 0.0001, batch 256, 3000 epochs); the first
line printed names every field of what is trained. --config takes a sweep file
(docs/sweeps.md) whose grid holds exactly one experiment; no experiment flag may then be
given, only this run's.

With --kind search it runs a size search instead (docs/train-for-less.md): --size is the
first size, --epochs each attempt's cap, the --search-* flags the rest; it prints every
attempt and exits 3 when no size reached --search-target.

)usage";

// The progress line shows loss and accuracy per side.
using common::kTestOffset;
using common::kValidationOffset;

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
        total_j_ += epoch_j;
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

    // Joules of every epoch so far (NaN without a source).
    double total_j() const {
        return probe_.chosen ? total_j_ : std::numeric_limits<double>::quiet_NaN();
    }

private:
    worker::power::PowerProbe probe_;
    double total_j_ = 0.0;
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

// `--learning-rate` for learning_rate.
std::string flag_of(std::string_view field) {
    std::string flag(field);
    std::replace(flag.begin(), flag.end(), '_', '-');
    return flag;
}

// What a flag takes, for --help: by field where a word says more than the type.
constexpr std::array<std::pair<std::string_view, const char*>, 7> kValueNames{
    {{"l1", "PENALTY"},
     {"l2", "PENALTY"},
     {"label_noise", "FRACTION"},
     {"learning_rate", "LR"},
     {"momentum", "M"},
     {"test_fraction", "FRACTION"},
     {"validation_fraction", "FRACTION"}}};

template <typename Field>
constexpr const char* value_name(std::string_view field) {
    for (const auto& [name, word] : kValueNames) {
        if (name == field) {
            return word;
        }
    }
    if constexpr (std::is_same_v<Field, bool>) {
        return "true|false";
    } else if constexpr (std::is_integral_v<Field>) {
        return "N";
    } else if constexpr (std::is_floating_point_v<Field>) {
        return "X";
    } else {
        return "NAME";
    }
}

// One flag per experiment field, from the field list: its meaning and its default (the
// one set of defaults, ExperimentConfig's). The text given lands in texts[field].
void add_experiment_flags(po::options_description& description,
                          std::map<std::string, std::string, std::less<>>& texts) {
    const common::ExperimentConfig defaults;
    common::for_each_experiment_field([&](const auto& entry) {
        const std::string name(entry.name);
        const std::string flag = flag_of(name);
        std::string& text = texts[name];
        using Field = typename std::decay_t<decltype(entry)>::Type;
        auto* value = po::value<std::string>(&text)->value_name(value_name<Field>(entry.name));
        if (name != "dataset") {
            value->default_value(common::field_text(defaults.*(entry.member)));
        }
        description.add_options()(flag.c_str(), value, std::string(entry.meaning).c_str());
    });
}

// The experiment the flags describe, or the one in --config FILE. A flag given beside
// --config is an error: the file alone says what is trained.
common::ExperimentConfig experiment_from(
    const std::map<std::string, std::string, std::less<>>& texts,
    const std::string& config_file,
    const po::variables_map& variables) {
    const auto given = [&variables](const std::string& flag) {
        return variables.count(flag) != 0 && !variables[flag].defaulted();
    };
    if (!config_file.empty()) {
        for (const std::string_view name : common::experiment_field_names()) {
            const std::string flag = flag_of(name);
            if (given(flag)) {
                throw common::ConfigError(fmt::format(
                    "train: --{} conflicts with --config {}: the file sets the experiment (change "
                    "{} there, or leave --config out)",
                    flag,
                    config_file,
                    name));
            }
        }
        return config_from_file(config_file);
    }
    if (!given("dataset")) {
        throw common::ConfigError(
            "train: give --dataset NAME or --config FILE (see joulesweep train --help)");
    }
    common::ExperimentConfig config;
    common::visit_experiment_fields(config, [&](std::string_view name, auto& value) {
        try {
            common::parse_field_text(name, texts.find(name)->second, value);
        } catch (const common::ConfigError& error) {
            throw common::ConfigError(
                fmt::format("train: --{}: {}",
                            flag_of(name),
                            std::string_view(error.what()).substr(name.size() + 2)));
        }
    });
    // The same check as a sweep file's, before the dataset loads.
    if (const auto problem = common::find_problem(config)) {
        throw common::ConfigError(
            fmt::format("train: --{}: {}", flag_of(problem->field), problem->problem));
    }
    return config;
}

// A search (--kind search), here and now: each attempt's epochs as they come, a line
// per attempt, then what the search found and spent.
int train_search_here(const common::ExperimentConfig& config,
                      const worker::PreparedDataset& dataset,
                      std::uint64_t seed,
                      common::Backend backend,
                      EpochEnergy& energy) {
    worker::SearchHooks hooks;
    double before_j = 0.0;
    double search_j = 0.0;
    int epochs = 0;
    std::optional<std::int64_t> found;
    hooks.options_for = [&](const common::AttemptRecord& attempt) {
        std::cout << fmt::format("attempt {}: training size {}\n", attempt.attempt, attempt.size);
        before_j = energy.total_j();
        worker::TrainingOptions training;
        training.backend = backend;
        training.on_epoch = [&energy](const worker::EpochReport& report) {
            print_epoch(report, energy.next_epoch());
        };
        return training;
    };
    hooks.on_attempt = [&](common::AttemptRecord record, common::RunResult result, bool final) {
        const double spent = energy.total_j() - before_j;
        if (record.outcome == common::AttemptOutcome::kSkipped) {
            std::cout << fmt::format(
                "attempt {}: size {} skipped: no {}-layer {} within 20% of it\n",
                record.attempt,
                record.size,
                config.depth,
                common::kShapeNames.name(config.shape));
            return;
        }
        epochs += record.epochs;
        search_j += spent;
        if (record.outcome == common::AttemptOutcome::kReached) {
            found = record.size;
        }
        std::cout << fmt::format(
            "attempt {}: size {} ({} {} parameters) {} after {} epochs, best {} loss {:.5g}, "
            "{:.3g} J, {:.3g} operations{}\n",
            record.attempt,
            record.size,
            common::format_widths(result.widths),
            result.parameter_count,
            common::kAttemptOutcomeNames.name(record.outcome),
            record.epochs,
            common::kMonitoredSeriesNames.name(config.search_monitored),
            record.best_loss,
            spent,
            record.flops,
            final ? "" : "; next size");
    };
    worker::train_search(config, dataset, static_cast<std::int64_t>(seed), 0, std::nullopt, hooks);
    std::cout << fmt::format(
        "search {}: {} epochs, {:.3g} J in all\n",
        found ? fmt::format("reached {} at size {}", config.search_target, *found)
              : fmt::format(
                    "did not reach {} up to size {}", config.search_target, config.search_max_size),
        epochs,
        search_j);
    return found ? 0 : 3;
}

}  // namespace

int run_train_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::map<std::string, std::string, std::less<>> field_texts;
    std::string backend_text = "auto";
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
        "a one-experiment sweep file (then no experiment flag may be given)");
    po::options_description experiment =
        help_section("The experiment (defaults: BUTTER's primary sweep point, as in sweep files)");
    add_experiment_flags(experiment, field_texts);
    options.visible.add(experiment);
    po::options_description run = help_section("This run");
    run.add_options()("seed",
                      po::value<std::uint64_t>(&seed)->value_name("N")->default_value(seed),
                      "the run's seed: split, label noise, initial weights, batch order")(
        "backend",
        po::value<std::string>(&backend_text)->value_name("NAME")->default_value(backend_text),
        "eigen, onednn, packed (our own AVX2 GEMM), or auto (the fastest for this network, from "
        "docs/benchmarks.md); not part of the experiment")(
        "threads",
        po::value<int>(&threads)->value_name("N")->default_value(threads),
        "compute threads (oneDNN and packed); OMP_NUM_THREADS is ignored")(
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
    options.visible.add(run);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    const common::ExperimentConfig config =
        experiment_from(field_texts, config_file, context.variables);
    common::Backend backend = common::Backend::kAuto;
    try {
        backend = worker::backend_from_flag("backend", backend_text);
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(fmt::format("train: {}", error.what()));
    }
    const std::filesystem::path directory = datasets_directory(datasets_dir, context.globals);
    if (!common::find_dataset(config.dataset)) {
        throw common::ConfigError(fmt::format("train: unknown dataset '{}' (known: {})",
                                              config.dataset,
                                              common::known_dataset_names()));
    }
    if (threads < 1) {
        throw common::ConfigError(
            fmt::format("train: --threads must be at least 1, got {}", threads));
    }
    const worker::PreparedDataset dataset = worker::read_dataset(directory, config.dataset);
    std::cout << fmt::format("train: {}, seed {}\n", common::canonical_key(config), seed);
    EpochEnergy energy;
    std::cout << energy.legend() << '\n';
    worker::use_compute_threads(threads);
    if (config.kind == common::WorkKind::kSearch) {
        if (!csv.empty() || !hdf5.empty() || !dump_inputs.empty()) {
            throw common::ConfigError(
                "train: --csv, --hdf5 and --dump-inputs write one run; a search's attempts are "
                "stored by the queue (joulesweep search, table search_attempt)");
        }
        return train_search_here(config, dataset, seed, backend, energy);
    }
    worker::TrainingOptions training;
    training.backend = backend;
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
