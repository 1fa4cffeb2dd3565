// `joulesweep search`: enqueue size searches for a dataset and target losses, show what
// the finished ones found (--results), or replay the search on stored runs (replay).
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/app/search_ladder_options.hpp"
#include "joulesweep/app/sweep_output.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/coordinator/reports/search_results.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kSearchUsage =
    R"usage(Usage: joulesweep search --dataset NAME --target LOSS[,LOSS...] [options]
       joulesweep search --results [--dataset NAME]
       joulesweep search replay --dataset NAME --target LOSS [options]
                                              (see joulesweep search replay --help)

Enqueues exponential size searches (docs/train-for-less.md): for every shape, depth,
target and failure rule given, one search experiment with --repetitions searches. A
search trains start-size, r x start-size, ... up to max-size, each from fresh weights,
until an attempt's best-so-far monitored loss reaches the target; `joulesweep run` trains
them like any run, each search on one worker, and stores every attempt as it ends. The
same searches in a sweep file: a `search:` block (docs/sweeps.md).

--results shows, per search experiment: its searches (reached / done / enqueued), the
median over finished searches of everything each spent (failed attempts included;
unreached counts as infinite, so "-" when most did not reach), the smallest size any
search reached the target at, and the cheapest network found (the reached attempt with
the fewest gross joules), with its joules and operations. The same from SQL: SELECT *
FROM search_summary (docs/sql.md).

)usage";

template <typename Field>
std::vector<Field> values_of(std::string_view field,
                             std::string_view flag,
                             const std::string& text) {
    std::vector<Field> values;
    for (const std::string_view item : split_commas(text)) {
        Field value{};
        try {
            common::parse_field_text(field, item, value);
        } catch (const common::ConfigError& error) {
            throw common::ConfigError(fmt::format("search: --{}: {}", flag, error.what()));
        }
        values.push_back(value);
    }
    return values;
}

// Failure rules contain commas ("proportional(0.001, 16)"): split on ';' instead.
std::vector<std::string> failure_rules(const std::string& text) {
    std::vector<std::string> rules;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(';', start), text.size());
        try {
            rules.push_back(common::parse_failure_rule(text.substr(start, end - start)).text());
        } catch (const common::ConfigError& error) {
            throw common::ConfigError(fmt::format("search: --failure: {}", error.what()));
        }
        start = end + 1;
    }
    return rules;
}

struct SearchFlags {
    std::string dataset;
    std::string targets;
    std::string shapes = "rectangle";
    std::string depths = "3";
    std::string failures = common::ExperimentConfig{}.search_failure;
    std::string monitored = "validation";
    common::SearchSpec ladder;  // ladder factor, start and maximum size, epoch cap
    double validation_fraction = 0.05;
    int repetitions = 3;
    int priority = 0;
    std::string label = "search";
};

coordinator::SweepSpec sweep_of(const SearchFlags& flags) {
    using common::ExperimentConfig;
    if (flags.dataset.empty() || flags.targets.empty()) {
        throw common::ConfigError(
            "search: give --dataset NAME and --target LOSS (or --results; see joulesweep search "
            "--help)");
    }
    if (!common::find_dataset(flags.dataset)) {
        throw common::ConfigError(fmt::format("search: unknown dataset '{}' (known: {})",
                                              flags.dataset,
                                              common::known_dataset_names()));
    }
    if (flags.repetitions < 1) {
        throw common::ConfigError("search: --repetitions must be at least 1");
    }
    coordinator::SweepSpec spec;
    spec.label = flags.label;
    spec.repetitions = flags.repetitions;
    spec.priority = flags.priority;
    spec.values<&ExperimentConfig::dataset>() = {flags.dataset};
    spec.values<&ExperimentConfig::kind>() = {common::WorkKind::kSearch};
    spec.values<&ExperimentConfig::shape>() =
        values_of<common::Shape>("shape", "shapes", flags.shapes);
    spec.values<&ExperimentConfig::depth>() = values_of<int>("depth", "depths", flags.depths);
    spec.values<&ExperimentConfig::search_target>() =
        values_of<double>("search_target", "target", flags.targets);
    spec.values<&ExperimentConfig::search_failure>() = failure_rules(flags.failures);
    spec.values<&ExperimentConfig::search_monitored>() =
        values_of<common::MonitoredSeries>("search_monitored", "monitored", flags.monitored);
    spec.values<&ExperimentConfig::search_ladder>() = {flags.ladder.ladder_factor};
    spec.values<&ExperimentConfig::size>() = {flags.ladder.start_size};
    spec.values<&ExperimentConfig::search_max_size>() = {flags.ladder.max_size};
    spec.values<&ExperimentConfig::epochs>() = {flags.ladder.epoch_cap};
    spec.values<&ExperimentConfig::validation_fraction>() = {flags.validation_fraction};
    return spec;
}

int enqueue_searches(const SearchFlags& flags, bool dry_run, CommandContext& context) {
    const auto started = std::chrono::steady_clock::now();
    coordinator::SweepPlan plan;
    try {
        plan = coordinator::plan_sweeps({sweep_of(flags)});
    } catch (const common::ConfigError& error) {
        const std::string_view text = error.what();
        throw common::ConfigError(text.starts_with("search:") ? std::string(text)
                                                              : fmt::format("search: {}", text));
    }
    const auto report = print_and_write_plan(plan, dry_run, context);
    if (!report) {
        return 0;
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    std::cout << fmt::format(
        "enqueued {} new search experiments ({} were already queued) and {} new searches in "
        "{:.1f} s; train them with mpirun joulesweep run, then see joulesweep search --results\n",
        report->experiments_added,
        report->experiments_existing,
        report->runs_added,
        elapsed.count());
    return 0;
}

}  // namespace

int run_search_command(const std::vector<std::string>& arguments, CommandContext& context) {
    if (!arguments.empty() && arguments.front() == "replay") {
        return run_search_replay(arguments, context);
    }
    SearchFlags flags;
    bool results = false;
    bool dry_run = false;
    std::string datasets_dir;
    CommandOptions options{kSearchUsage, help_section("Options for search"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(

        "dataset", po::value<std::string>(&flags.dataset)->value_name("NAME"), "the dataset")(
        "target",
        po::value<std::string>(&flags.targets)->value_name("LOSS,..."),
        "the monitored loss to reach; one search experiment per target")(
        "shapes",
        po::value<std::string>(&flags.shapes)->value_name("S,...")->default_value(flags.shapes),
        "network shapes")(
        "depths",
        po::value<std::string>(&flags.depths)->value_name("D,...")->default_value(flags.depths),
        "depths (Dense layers, the output included)")(
        "repetitions",
        po::value<int>(&flags.repetitions)->value_name("N")->default_value(flags.repetitions),
        "searches per experiment, each with its own seed")(
        "failure",
        po::value<std::string>(&flags.failures)
            ->value_name("RULE;...")
            ->default_value(flags.failures),
        "when an attempt is given up: proportional(DELTA, PATIENCE), full, cap(EPOCHS) or "
        "cost_cap(FACTOR); several separated by ';'");
    add_ladder_options(options.visible, flags.ladder);
    options.visible.add_options()("monitored",
                                  po::value<std::string>(&flags.monitored)
                                      ->value_name("SERIES")
                                      ->default_value(flags.monitored),
                                  "the loss watched: validation, or test (BUTTER-compatible)")(
        "validation-fraction",
        po::value<double>(&flags.validation_fraction)
            ->value_name("FRACTION")
            ->default_value(flags.validation_fraction, "0.05"),
        "rows held out as the validation set the search watches")(
        "label",
        po::value<std::string>(&flags.label)->value_name("LABEL")->default_value(flags.label),
        "names the searches in SQL (experiment_label)")(
        "priority",
        po::value<int>(&flags.priority)->value_name("N")->default_value(flags.priority),
        "higher is claimed first")(
        "dry-run", po::bool_switch(&dry_run), "print what would be enqueued; write nothing")(
        "results",
        po::bool_switch(&results),
        "show what the searches found (--dataset: one dataset)")(
        "datasets-dir",
        po::value<std::string>(&datasets_dir)->value_name("DIR"),
        "where imported datasets are described (their *.import.json). Default: "
        "<data-dir>/datasets");
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    datasets_directory(datasets_dir, context.globals);
    if (results) {
        coordinator::Database database = open_current_database(context.globals);
        std::cout << format_table(coordinator::read_search_results(database, flags.dataset));
        return 0;
    }
    return enqueue_searches(flags, dry_run, context);
}

}  // namespace joulesweep::app
