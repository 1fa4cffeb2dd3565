#include "joulesweep/coordinator/reports/search_replay.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <span>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/energy_to_target.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/sql_array.hpp"

namespace joulesweep::coordinator {
namespace {

// The monitored series, the joules per epoch and the rest, ordered so that one group's
// runs arrive together, by size and repetition.
constexpr const char* kStoredRunsSql = R"sql(
SELECT e.group_key, p.hardware, e.size, r.repetition,
       array_to_string(CASE WHEN $2 = 'test' THEN s.test_loss ELSE s.validation_loss END, ' '),
       array_to_string(s.energy_net_j, ' '), array_to_string(s.energy_gross_j, ' '),
       coalesce(s.flops_per_epoch, 0), s.diverged
FROM result s
JOIN run r USING (run_id)
JOIN experiment e USING (experiment_id)
JOIN run_progress p ON p.run_id = s.run_id AND p.monitored = $2
WHERE e.dataset = $1 AND s.energy_net_j IS NOT NULL
  AND (cardinality($3::text[]) = 0 OR e.shape = ANY ($3::text[]))
  AND (cardinality($4::int[]) = 0 OR e.depth = ANY ($4::int[]))
ORDER BY e.group_key, p.hardware, e.size, r.repetition)sql";

// "0.5 NaN 0.25" as floats (PostgreSQL writes NaN and Infinity so; from_chars reads them).
std::vector<float> numbers(std::string_view text) {
    std::vector<float> values;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view item = text.substr(0, space);
        float value = 0.0F;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (error != std::errc() || end != item.data() + item.size()) {
            throw common::DatabaseError(
                fmt::format("search replay: '{}' in a stored series is not a number", item));
        }
        values.push_back(value);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    }
    return values;
}

struct StoredRun {
    std::vector<float> loss;
    std::vector<float> net_j;
    std::vector<float> gross_j;
    std::vector<float> flops;  // flops_per_epoch in every epoch
    double flops_per_epoch = 0.0;
    bool diverged = false;
};

// One group on one hardware class: size -> its runs, by repetition.
using GroupRuns = std::map<std::int64_t, std::map<int, StoredRun>>;

double median_of(std::vector<double> values) {
    return common::median_cost(std::move(values));
}

// What each epoch of the run cost in the request's measure.
const std::vector<float>& cost_series(const StoredRun& run, CostMeasure measure) {
    switch (measure) {
        case CostMeasure::kGross:
            return run.gross_j;
        case CostMeasure::kFlops:
            return run.flops;
        case CostMeasure::kNet:
            break;
    }
    return run.net_j;
}

// The run as the search sees it: its monitored loss and the cost the request compares,
// over its first `epochs` epochs at most (the budget T of a search: E*, s_opt and the
// full-budget cost are then those of runs stopped at T as well).
common::RunHistory history_of(const StoredRun& run, CostMeasure measure, int epochs) {
    const std::span<const float> cost = cost_series(run, measure);
    const std::span<const float> loss = run.loss;
    const auto keep = [&](std::span<const float> series) {
        return series.first(std::min(series.size(), static_cast<std::size_t>(epochs)));
    };
    return common::RunHistory{keep(loss), keep(cost), keep(cost), run.flops_per_epoch};
}

GroupReplay replay_group(const std::string& group_key,
                         const std::string& hardware,
                         const GroupRuns& runs,
                         const common::SearchSpec& spec,
                         CostMeasure measure) {
    GroupReplay replay;
    replay.group_key = group_key;
    replay.hardware = hardware;
    replay.target = spec.target;
    replay.sizes = static_cast<int>(runs.size());
    int replays = 0;
    for (const auto& [size, by_repetition] : runs) {
        replays = std::max(replays, static_cast<int>(by_repetition.size()));
    }
    replay.replays = replays;

    // E*, s_opt, s_min from the same runs: each size's median cost to the target.
    std::vector<common::SizeCost> costs;
    for (const auto& [size, by_repetition] : runs) {
        std::vector<double> net;
        for (const auto& [repetition, run] : by_repetition) {
            net.push_back(
                common::cost_to_target(history_of(run, measure, spec.epoch_cap), spec.target)
                    .net_j);
        }
        costs.push_back({size, median_of(net)});
    }
    replay.choice = common::choose_size(costs);
    if (!costs.empty()) {
        replay.largest_size = costs.back().size;
        replay.largest_to_target_j = costs.back().cost;
        std::vector<double> full;
        for (const auto& [repetition, run] : runs.rbegin()->second) {
            const std::span<const float> joules = history_of(run, measure, spec.epoch_cap).net_j;
            full.push_back(common::sum_of_first(joules, static_cast<int>(joules.size())));
        }
        replay.full_j = median_of(full);
    }

    // Replay i uses the i-th stored repetition of every size (by repetition number).
    std::vector<double> spent;
    std::vector<double> epochs;
    std::vector<double> hits;
    std::vector<double> fails;
    std::vector<std::pair<double, std::int64_t>> found;
    for (int index = 0; index < replays; ++index) {
        const auto stored = [&](std::int64_t size) -> std::optional<common::StoredAttempt> {
            const auto at_size = runs.find(size);
            if (at_size == runs.end() || static_cast<int>(at_size->second.size()) <= index) {
                return std::nullopt;
            }
            const StoredRun& run = std::next(at_size->second.begin(), index)->second;
            return common::StoredAttempt{history_of(run, measure, spec.epoch_cap), run.diverged};
        };
        const common::SearchOutcome outcome = common::replay_search(spec, stored);
        epochs.push_back(outcome.epochs);
        if (!outcome.size_found) {
            spent.push_back(common::kUnreached);
            continue;
        }
        spent.push_back(outcome.net_j);
        hits.push_back(outcome.attempts.back().net_j);
        fails.push_back(outcome.net_j - outcome.attempts.back().net_j);
        ++replay.replays_found;
        found.emplace_back(outcome.net_j, *outcome.size_found);
    }
    replay.search_j = median_of(spent);
    if (!hits.empty()) {
        replay.hit_j = median_of(hits);
        replay.fail_j = median_of(fails);
    }
    replay.search_epochs = median_of(epochs);
    if (replay.search_j != common::kUnreached && !found.empty()) {
        std::sort(found.begin(), found.end());
        replay.size_found = found[(found.size() - 1) / 2].second;
    }
    if (replay.search_j != common::kUnreached && replay.choice.minimum_cost != common::kUnreached &&
        replay.choice.minimum_cost > 0) {
        replay.ratio = replay.search_j / replay.choice.minimum_cost;
    }
    return replay;
}

constexpr const char* kLevelsSql = R"sql(
SELECT loss FROM dataset_loss_levels($1, $2) WHERE loss_index % $3 = 0 ORDER BY loss_index)sql";

}  // namespace

std::vector<double> dataset_loss_levels(Database& database,
                                        const std::string& dataset,
                                        const std::string& monitored,
                                        int step) {
    if (step < 1) {
        throw common::ConfigError(fmt::format("loss levels: step {} is not 1 or more", step));
    }
    return database.with_transaction("read the loss levels", [&](pqxx::work& transaction) {
        transaction.exec0("SET TRANSACTION READ ONLY");
        std::vector<double> levels;
        for (const auto& row : transaction.exec_params(kLevelsSql, dataset, monitored, step)) {
            levels.push_back(row[0].as<double>());
        }
        return levels;
    });
}

std::vector<GroupReplay> replay_searches(Database& database, const SearchReplayRequest& request) {
    if (request.monitored != "test" && request.monitored != "validation") {
        throw common::ConfigError(
            fmt::format("search replay: monitored series '{}' (expected validation or test)",
                        request.monitored));
    }
    std::vector<std::int64_t> depths(request.depths.begin(), request.depths.end());
    return database.with_transaction(
        "read stored runs for a search replay", [&](pqxx::work& transaction) {
            transaction.exec0("SET TRANSACTION READ ONLY");
            const pqxx::result rows = transaction.exec_params(kStoredRunsSql,
                                                              request.dataset,
                                                              request.monitored,
                                                              sql_array(request.shapes),
                                                              sql_array(depths));
            std::vector<GroupReplay> replays;
            std::string group_key;
            std::string hardware;
            GroupRuns runs;
            const auto flush = [&] {
                if (!runs.empty()) {
                    for (const double target : request.targets) {
                        common::SearchSpec spec = request.spec;
                        spec.target = target;
                        replays.push_back(
                            replay_group(group_key, hardware, runs, spec, request.energy));
                    }
                }
                runs.clear();
            };
            for (const auto& row : rows) {
                const auto key = row[0].as<std::string>();
                const auto kind = row[1].as<std::string>();
                if (key != group_key || kind != hardware) {
                    flush();
                    group_key = key;
                    hardware = kind;
                }
                StoredRun& run = runs[row[2].as<std::int64_t>()][row[3].as<int>()];
                run.loss = numbers(row[4].c_str());
                run.net_j = numbers(row[5].c_str());
                run.gross_j = numbers(row[6].c_str());
                run.flops_per_epoch = row[7].as<double>();
                run.flops.assign(run.loss.size(), static_cast<float>(run.flops_per_epoch));
                run.diverged = row[8].as<bool>();
            }
            flush();
            return replays;
        });
}

}  // namespace joulesweep::coordinator
