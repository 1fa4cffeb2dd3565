// `joulesweep enqueue FILE | --preset NAME [--dry-run]`: validate, plan and write a sweep.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/app/sweep_output.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/sweeps/enqueuer.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"
#include "joulesweep/coordinator/sweeps/sweep_presets.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kEnqueueUsage = R"usage(Usage: joulesweep enqueue FILE [options]
       joulesweep enqueue --preset NAME [options]

Add the experiments of a sweep file (YAML, see docs/sweeps.md) or of one of BUTTER's
published sweeps to the queue. The whole file is checked first; on any error nothing
is enqueued. Experiments are identified by their configuration, so enqueueing the same
sweep again adds nothing and raising its repetitions adds only the missing runs.
Points whose network cannot come within 20% of its size are skipped and counted.

)usage";

std::vector<coordinator::SweepSpec> load_sweeps(const std::string& file,
                                                const std::string& preset) {
    if (!file.empty() && !preset.empty()) {
        throw common::ConfigError("enqueue: give a sweep FILE or --preset, not both");
    }
    if (!preset.empty()) {
        const auto text = coordinator::preset_text(preset);
        if (!text) {
            throw common::ConfigError(fmt::format("enqueue: unknown preset '{}' (known: {})",
                                                  preset,
                                                  fmt::join(coordinator::preset_names(), ", ")));
        }
        return coordinator::parse_sweeps(*text, fmt::format("preset {}", preset));
    }
    if (file.empty()) {
        throw common::ConfigError(
            "enqueue: missing sweep FILE or --preset NAME (see joulesweep enqueue --help)");
    }
    return coordinator::read_sweep_file(file);
}

// Each preset with what `enqueue --preset` would add to an empty queue and one line on
// what it varies, then what all of them together would add (an experiment in several
// presets is one experiment, with the most repetitions any of them asks for).
void print_presets() {
    std::size_t width = std::string_view("preset").size();
    for (const auto name : coordinator::preset_names()) {
        width = std::max(width, name.size());
    }
    const auto line = [width](std::string_view name,
                              std::size_t experiments,
                              std::int64_t runs,
                              std::string_view what) {
        std::cout << fmt::format(
            "{:<{}}{:>13}{:>13}  {}\n", name, width + 2, experiments, runs, what);
    };
    std::cout << fmt::format(
        "{:<{}}{:>13}{:>13}  {}\n", "preset", width + 2, "experiments", "runs", "what");
    // The union from the plans' keys: an experiment once, with its most repetitions.
    std::unordered_map<std::string, int> repetitions_by_key;
    for (const auto name : coordinator::preset_names()) {
        const coordinator::SweepPlan plan = coordinator::plan_sweeps(
            coordinator::parse_sweeps(*coordinator::preset_text(name), std::string(name)));
        line(name, plan.experiments.size(), plan.runs, *coordinator::preset_summary(name));
        for (const coordinator::PlannedExperiment& experiment : plan.experiments) {
            int& repetitions = repetitions_by_key[experiment.key];
            repetitions = std::max(repetitions, experiment.repetitions);
        }
    }
    std::int64_t runs = 0;
    for (const auto& [key, repetitions] : repetitions_by_key) {
        runs += repetitions;
    }
    line("all", repetitions_by_key.size(), runs, "every preset above, each experiment once");
}

}  // namespace

int run_enqueue_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string file;
    std::string preset;
    std::string datasets_dir;
    bool dry_run = false;
    bool list_presets = false;
    CommandOptions options{kEnqueueUsage, help_section("Options for enqueue"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "datasets-dir",
        po::value<std::string>(&datasets_dir)->value_name("DIR"),
        "where imported datasets are described (their *.import.json). Default: "
        "<data-dir>/datasets")("preset",
                               po::value<std::string>(&preset)->value_name("NAME"),
                               "enqueue one of BUTTER's sweeps")(
        "list-presets",
        po::bool_switch(&list_presets),
        "list BUTTER's sweeps: experiments, runs and what each varies; then exit")(
        "dry-run",
        po::bool_switch(&dry_run),
        "validate and print what would be enqueued, per dataset; write nothing");
    options.hidden.add_options()("file", po::value<std::string>(&file));
    options.positional.add("file", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (list_presets) {
        print_presets();
        return 0;
    }
    datasets_directory(datasets_dir, context.globals);

    const auto started = std::chrono::steady_clock::now();
    const coordinator::SweepPlan plan = coordinator::plan_sweeps(load_sweeps(file, preset));
    const auto report = print_and_write_plan(plan, dry_run, context);
    if (!report) {
        return 0;
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    std::cout << fmt::format(
        "enqueued {} new experiments ({} were already queued) and {} new runs in {:.1f} s\n",
        report->experiments_added,
        report->experiments_existing,
        report->runs_added,
        elapsed.count());
    return 0;
}

}  // namespace joulesweep::app
