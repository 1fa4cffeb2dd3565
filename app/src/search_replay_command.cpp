// `joulesweep search replay`: the exponential size search replayed on a dataset's stored
// runs, per group, next to the minimum energy those runs show (docs/train-for-less.md).
// Reached through run_search_command.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/app/search_ladder_options.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/reports/search_replay.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kSearchUsage =
    R"usage(Usage: joulesweep search replay --dataset NAME (--target LOSS,... | --levels STEP) [options]

Replays the exponential size search on the runs already stored for a dataset: what would
a search have spent to reach the target here? Sizes start-size, r x start-size, ... up to
max-size are tried in turn; each attempt is a stored run of that size, read epoch by
epoch until its best-so-far monitored loss reaches the target (the search stops) or the
failure rule gives up on it (the next size is tried). A size with no stored run is
skipped at no cost. Replay i uses the i-th stored repetition of every size.

One line per group (an experiment without its size) and hardware class: the median over
replays of the joules the search spent (failed attempts included) and the size it found;
E*, the least median joules to the target over the group's sizes; s_opt, the size that
spends it; s_min, the smallest size reaching the target; Q = s_opt / s_min and
R = search / E* (undefined where E* is not above 0: net joules of tiny runs can be,
when they drew no more than the node's idle power; --energy gross then). Only runs
measured with energy count. Definitions:
docs/train-for-less.md; the same numbers without the search: SELECT * FROM
group_size_choice(dataset, target, monitored) (docs/sql.md).

)usage";

std::string joules(double value) {
    if (std::isinf(value)) {
        return "-";
    }
    return fmt::format("{:.4g}", value);
}

// One field of a key "a=1;b=2".
std::string key_field(const std::string& key, std::string_view field) {
    const std::string prefix = std::string(field) + "=";
    for (std::size_t start = 0; start < key.size();) {
        const std::size_t end = std::min(key.find(';', start), key.size());
        if (key.compare(start, prefix.size(), prefix) == 0) {
            return key.substr(start + prefix.size(), end - start - prefix.size());
        }
        start = end + 1;
    }
    return "";
}

coordinator::ReportTable replay_table(const std::vector<coordinator::GroupReplay>& replays,
                                      const coordinator::SearchReplayRequest& request) {
    coordinator::ReportTable table;
    const bool flops = request.energy == coordinator::CostMeasure::kFlops;
    table.title = fmt::format(
        "Size search replayed on {} to {} loss {:g} ({}, {})",
        request.dataset,
        request.monitored,
        fmt::join(request.targets, ", "),
        request.spec.failure.text(),
        flops ? std::string("floating-point operations")
              : fmt::format("{} joules", coordinator::kCostMeasureNames.name(request.energy)));
    table.empty_text = fmt::format(
        "no measured runs of {} with a {} series: enqueue a size grid and train it with "
        "energy (docs/train-for-less.md)",
        request.dataset,
        request.monitored);
    table.columns = {"target",
                     "shape",
                     "depth",
                     "optimizer",
                     "lr",
                     "batch",
                     "hardware",
                     "sizes",
                     "replays",
                     "found",
                     "search J",
                     "size found",
                     "E* J",
                     "s_opt",
                     "s_min",
                     "Q",
                     "R"};
    table.numeric = {true,
                     false,
                     true,
                     false,
                     true,
                     true,
                     false,
                     true,
                     true,
                     true,
                     true,
                     true,
                     true,
                     true,
                     true,
                     true,
                     true};
    for (const coordinator::GroupReplay& replay : replays) {
        const auto size = [](const std::optional<std::int64_t>& value) {
            return value ? std::to_string(*value) : std::string("-");
        };
        table.rows.push_back(
            {fmt::format("{:g}", replay.target),
             key_field(replay.group_key, "shape"),
             key_field(replay.group_key, "depth"),
             key_field(replay.group_key, "optimizer"),
             key_field(replay.group_key, "learning_rate"),
             key_field(replay.group_key, "batch_size"),
             replay.hardware,
             std::to_string(replay.sizes),
             std::to_string(replay.replays),
             std::to_string(replay.replays_found),
             joules(replay.search_j),
             size(replay.size_found),
             joules(replay.choice.minimum_cost),
             size(replay.choice.optimal_size),
             size(replay.choice.smallest_size),
             replay.choice.size_ratio ? fmt::format("{:g}", *replay.choice.size_ratio) : "-",
             replay.ratio ? fmt::format("{:.3g}", *replay.ratio) : "-"});
    }
    return table;
}

// Medians and shares over the groups with a value: the claims' headline numbers.
void print_summary(const std::vector<coordinator::GroupReplay>& replays) {
    std::vector<double> ratios;
    std::vector<double> size_ratios;
    for (const coordinator::GroupReplay& replay : replays) {
        if (replay.ratio) {
            ratios.push_back(*replay.ratio);
        }
        if (replay.choice.size_ratio) {
            size_ratios.push_back(*replay.choice.size_ratio);
        }
    }
    const auto share = [](const std::vector<double>& values, double bound) {
        return 100.0 *
               static_cast<double>(
                   std::count_if(values.begin(),
                                 values.end(),
                                 [bound](double value) { return value <= bound; })) /
               static_cast<double>(values.size());
    };
    if (!ratios.empty()) {
        std::cout << fmt::format(
            "R = search / E* over {} groups: median {:.3g}, R <= 2 in {:.0f}%\n",
            ratios.size(),
            common::median_cost(ratios),
            share(ratios, 2.0));
    }
    if (!size_ratios.empty()) {
        std::cout << fmt::format(
            "Q = s_opt / s_min over {} groups: median {:g}, Q <= 4 in {:.0f}%\n",
            size_ratios.size(),
            common::median_cost(size_ratios),
            share(size_ratios, 4.0));
    }
}

std::vector<int> depth_list(const std::string& text) {
    std::vector<int> depths;
    for (const std::string_view item : split_commas(text)) {
        int depth = 0;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), depth);
        if (error != std::errc() || end != item.data() + item.size() || depth < common::kMinDepth) {
            throw common::ConfigError(fmt::format(
                "search: --depths: '{}' is not a depth of {} or more", item, common::kMinDepth));
        }
        depths.push_back(depth);
    }
    return depths;
}

// One line per group, hardware class and target: what the table shows and R's terms, the
// largest size's full-budget joules and O_full, O_hit (M4, M5 of the specification).
void write_replay_csv(const std::string& path,
                      const std::vector<coordinator::GroupReplay>& replays,
                      const coordinator::SearchReplayRequest& request) {
    std::ofstream out(path);
    if (!out) {
        throw common::StorageError(fmt::format("search replay: cannot write {}", path));
    }
    const auto number = [](double value) {
        return std::isfinite(value) ? fmt::format("{:.9g}", value) : std::string("inf");
    };
    const auto size = [](const std::optional<std::int64_t>& value) {
        return value ? std::to_string(*value) : std::string();
    };
    const auto over = [&number](double top, double bottom) {
        return std::isfinite(top) && std::isfinite(bottom) && bottom > 0 ? number(top / bottom)
                                                                         : std::string();
    };
    out << "dataset,monitored,energy,failure,target,shape,depth,hardware,sizes,replays,found,"
           "search_j,search_epochs,size_found,e_star,s_opt,s_min,q,r,r_hit,r_fail,largest_size,"
           "full_j,largest_to_target_j,o_full,o_hit\n";
    for (const coordinator::GroupReplay& replay : replays) {
        const double e_star = replay.choice.minimum_cost;
        out << fmt::format(
            "{},{},{},\"{}\",{},{},{},\"{}\",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}"
            "\n",
            request.dataset,
            request.monitored,
            coordinator::kCostMeasureNames.name(request.energy),
            request.spec.failure.text(),
            number(replay.target),
            key_field(replay.group_key, "shape"),
            key_field(replay.group_key, "depth"),
            replay.hardware,
            replay.sizes,
            replay.replays,
            replay.replays_found,
            number(replay.search_j),
            number(replay.search_epochs),
            size(replay.size_found),
            number(e_star),
            size(replay.choice.optimal_size),
            size(replay.choice.smallest_size),
            replay.choice.size_ratio ? number(*replay.choice.size_ratio) : std::string(),
            replay.ratio ? number(*replay.ratio) : std::string(),
            over(replay.hit_j, e_star),
            over(replay.fail_j, e_star),
            replay.largest_size,
            number(replay.full_j),
            number(replay.largest_to_target_j),
            over(replay.full_j, replay.search_j),
            over(replay.largest_to_target_j, replay.search_j));
    }
    if (!out.flush()) {
        throw common::StorageError(fmt::format("search replay: writing {} failed", path));
    }
}

}  // namespace

int run_search_replay(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string action;
    coordinator::SearchReplayRequest request;
    std::string energy = "net";
    std::string failure = request.spec.failure.text();
    std::string shapes;
    std::string depths;
    std::string targets;
    int level_step = 0;
    std::string csv;
    CommandOptions options{kSearchUsage, help_section("Options for search replay"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "dataset", po::value<std::string>(&request.dataset)->value_name("NAME"), "the dataset")(
        "target",
        po::value<std::string>(&targets)->value_name("LOSS,..."),
        "the target loss(es) on the monitored series")(
        "levels",
        po::value<int>(&level_step)->value_name("STEP"),
        "instead of --target: every STEP-th of the dataset's 200 BUTTER-E loss levels (1: all)")(
        "csv",
        po::value<std::string>(&csv)->value_name("FILE"),
        "write every group and target as CSV, with R's two terms and the full-budget joules "
        "of the largest size (then no table is printed, only the summary)")(
        "monitored",
        po::value<std::string>(&request.monitored)
            ->value_name("SERIES")
            ->default_value(request.monitored),
        "validation, or test (BUTTER-compatible: BUTTER's held-out series was its test set)")(
        "energy",
        po::value<std::string>(&energy)->value_name("KIND")->default_value(energy),
        "net (minus the idle baseline) or gross joules, or flops: floating-point operations, "
        "the measure no machine load or power model touches (columns marked J then count "
        "operations)")(
        "failure",
        po::value<std::string>(&failure)->value_name("RULE")->default_value(failure),
        "when an attempt is given up: proportional(DELTA, PATIENCE), full, cap(EPOCHS) or "
        "cost_cap(FACTOR)");
    add_ladder_options(options.visible, request.spec);
    options.visible.add_options()(
        "shapes", po::value<std::string>(&shapes)->value_name("S,..."), "only these shapes")(
        "depths", po::value<std::string>(&depths)->value_name("D,..."), "only these depths");
    options.hidden.add_options()("action", po::value<std::string>(&action));
    options.positional.add("action", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (action != "replay") {
        throw common::ConfigError(
            action.empty()
                ? std::string("search: missing ACTION (replay; see joulesweep search --help)")
                : fmt::format("search: unknown action '{}' (expected replay)", action));
    }
    if (request.dataset.empty() || (targets.empty() == (level_step == 0))) {
        throw common::ConfigError(
            "search replay: give --dataset NAME and either --target LOSS,... or --levels STEP");
    }
    datasets_directory("", context.globals);
    if (!common::find_dataset(request.dataset)) {
        throw common::ConfigError(fmt::format("search replay: unknown dataset '{}' (known: {})",
                                              request.dataset,
                                              common::known_dataset_names()));
    }
    for (const std::string_view item :
         targets.empty() ? std::vector<std::string_view>{} : split_commas(targets)) {
        double target = 0.0;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), target);
        if (error != std::errc() || end != item.data() + item.size() || !std::isfinite(target)) {
            throw common::ConfigError(
                fmt::format("search replay: --target: '{}' is not a finite loss", item));
        }
        request.targets.push_back(target);
    }
    if (request.spec.epoch_cap < 1) {
        throw common::ConfigError("search replay: --epochs must be at least 1");
    }
    try {
        request.spec.failure = common::parse_failure_rule(failure);
        request.energy = coordinator::kCostMeasureNames.parse(energy);
        static_cast<void>(common::size_ladder(request.spec));  // checks factor and sizes
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(fmt::format("search replay: {}", error.what()));
    }
    if (!shapes.empty()) {
        for (const std::string_view shape : split_commas(shapes)) {
            static_cast<void>(common::kShapeNames.parse(shape));
            request.shapes.emplace_back(shape);
        }
    }
    if (!depths.empty()) {
        request.depths = depth_list(depths);
    }
    coordinator::Database database = open_current_database(context.globals);
    if (level_step != 0) {
        request.targets = coordinator::dataset_loss_levels(
            database, request.dataset, request.monitored, level_step);
        if (request.targets.empty()) {
            throw common::ConfigError(
                fmt::format("search replay: {} has no loss levels: no stored run has a {} series",
                            request.dataset,
                            request.monitored));
        }
    }
    const std::vector<coordinator::GroupReplay> replays =
        coordinator::replay_searches(database, request);
    if (csv.empty()) {
        std::cout << format_table(replay_table(replays, request));
    } else {
        write_replay_csv(csv, replays, request);
        std::cout << fmt::format("{} groups x targets written to {}\n", replays.size(), csv);
    }
    print_summary(replays);
    return 0;
}

}  // namespace joulesweep::app
