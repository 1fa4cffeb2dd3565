// Migration 0016's answers (run_progress, run_cost_to_target, experiment_cost_to_target,
// group_size_choice, dataset_loss_levels, group_best_loss) against the C++ definitions
// (common/energy_to_target.hpp, size_choice.hpp) on the same stored runs.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "joulesweep/common/energy_to_target.hpp"
#include "joulesweep/common/size_choice.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"
#include "joulesweep/coordinator/reports/search_replay.hpp"
#include "joulesweep/coordinator/sweeps/enqueuer.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

#include "queue_fixture.hpp"
#include "sample_energy.hpp"
#include "sql_doc.hpp"
#include "test_database.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr int kEpochs = 30;

// What one stored run holds, kept to recompute every answer in C++.
struct StoredRun {
    std::int64_t experiment_id = 0;
    std::int64_t size = 0;
    std::vector<float> test_loss;
    std::vector<float> net_j;  // per epoch, summed over domains
    std::vector<float> gross_j;
    double flops_per_epoch = 0.0;
};

// A noisy falling loss: larger networks fall further; some runs hit NaN (diverge: the
// arrays end there) or have a NaN epoch in the middle of nothing.
std::vector<float> loss_curve(std::mt19937& random, std::int64_t size, bool diverges) {
    std::normal_distribution<float> noise(0.0F, 0.02F);
    const auto floor = 0.6F / std::log2(static_cast<float>(size));
    std::vector<float> losses;
    for (int epoch = 1; epoch <= kEpochs; ++epoch) {
        losses.push_back(floor + std::exp(-0.15F * static_cast<float>(epoch)) + noise(random));
        if (diverges && epoch == 12) {
            losses.back() = kNaN;
            break;
        }
    }
    return losses;
}

common::RunOutcome outcome_for(const ClaimedRun& claimed, const StoredRun& run) {
    common::RunOutcome outcome = testing::completion_for(claimed, 0);
    common::RunResult& result = outcome.result;
    result.diverged = std::isnan(run.test_loss.back());
    result.flops_per_epoch = run.flops_per_epoch;
    common::RunEnergy energy = testing::sample_energy(run.test_loss.size());
    for (std::size_t epoch = 0; epoch < run.test_loss.size(); ++epoch) {
        result.epoch_wall_s.push_back(0.5F);
        for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
            if (!common::may_be_empty(index)) {
                result.statistics.at(index).push_back(0.5F);
            }
        }
        result.statistics.at(common::kTestLossIndex).at(epoch) = run.test_loss[epoch];
        // Two domains whose sum is the run's joules.
        energy.net_j[0][epoch] = run.net_j[epoch] - 1.0F;
        energy.net_j[1][epoch] = 1.0F;
        energy.gross_j[0][epoch] = run.gross_j[epoch] - 2.0F;
        energy.gross_j[1][epoch] = 2.0F;
    }
    result.energy = energy;
    return outcome;
}

double query_double(pqxx::work& transaction, const std::string& sql) {
    const pqxx::row row = transaction.exec1(sql);
    return row[0].is_null() ? std::numeric_limits<double>::quiet_NaN() : row[0].as<double>();
}

// 2 shapes x 5 sizes of one depth on banana, 3 repetitions each, stored with energy.
struct StoredGrid {
    std::map<std::int64_t, StoredRun> runs;        // by run id
    std::map<std::int64_t, std::int64_t> size_of;  // experiment id -> size
    std::map<std::int64_t, std::string> group_of;  // experiment id -> group key
    std::map<std::int64_t, int> repetition_of;     // run id -> repetition
};

StoredGrid store_grid(Database& database) {
    StoredGrid grid;
    MigrationRunner(database, known_migrations(), "joulesweep test").migrate();
    RunQueue queue(database, testing::fast_options());
    const SweepPlan plan = plan_sweeps(parse_sweeps(
        "label: t\nrepetitions: 3\ngrid: {dataset: banana, shape: [rectangle, trapezoid], "
        "depth: 3, size: [64, 128, 256, 512, 1024], epochs: 30}\n",
        "t.yaml"));
    enqueue_plan(database, plan);
    database.with_transaction("read sizes", [&](pqxx::work& transaction) {
        for (const auto& row :
             transaction.exec("SELECT experiment_id, size, group_key FROM experiment")) {
            grid.size_of[row[0].as<std::int64_t>()] = row[1].as<std::int64_t>();
            grid.group_of[row[0].as<std::int64_t>()] = row[2].as<std::string>();
        }
    });
    const auto coordinator = queue.register_coordinator(testing::registration("node-1"));
    const std::vector<ClaimedRun> claimed = queue.claim(coordinator, 30);
    REQUIRE(claimed.size() == 30);
    std::mt19937 random(11);
    std::vector<common::RunOutcome> outcomes;
    for (const ClaimedRun& claim : claimed) {
        StoredRun& run = grid.runs[claim.run_id];
        grid.repetition_of[claim.run_id] = claim.repetition;
        run.experiment_id = claim.experiment_id;
        run.size = grid.size_of.at(claim.experiment_id);
        run.test_loss = loss_curve(random, run.size, claim.run_id % 7 == 3);
        for (std::size_t epoch = 0; epoch < run.test_loss.size(); ++epoch) {
            run.net_j.push_back(static_cast<float>(run.size) / 64.0F + 0.25F);
            run.gross_j.push_back(static_cast<float>(run.size) / 64.0F + 3.0F);
        }
        run.flops_per_epoch = 1000.0 * static_cast<double>(run.size);
        outcomes.push_back(outcome_for(claim, run));
    }
    REQUIRE(queue.complete(coordinator, outcomes).size() == 30);
    return grid;
}

}  // namespace

TEST_CASE("cost to target: the SQL answers equal the C++ definitions on the same runs",
          "[schema][db][target]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    const StoredGrid grid = store_grid(database);
    const auto& runs = grid.runs;
    const auto& size_of = grid.size_of;
    // The coordinator's staircases (C++) equal what the migration computes for results
    // stored before it (SQL), value for value.
    database.with_transaction("compare staircases", [](pqxx::work& transaction) {
        CHECK(query_double(transaction, "SELECT count(*) FROM run_progress") == 30);
        CHECK(query_double(
                  transaction,
                  "SELECT count(*) FROM result s JOIN run_progress p ON p.run_id = s.run_id "
                  "CROSS JOIN LATERAL (SELECT (progress_of(s, s.test_loss, 'test')).*) AS q "
                  "WHERE q.improved_epoch IS DISTINCT FROM p.improved_epoch "
                  "OR q.best_loss IS DISTINCT FROM p.best_loss OR q.net_j IS DISTINCT FROM "
                  "p.net_j OR q.gross_j IS DISTINCT FROM p.gross_j OR q.hardware IS DISTINCT "
                  "FROM p.hardware OR q.epochs IS DISTINCT FROM p.epochs") == 0);
    });

    for (const double target : {0.5, 0.35, 0.3, 0.25, 0.18, 0.1}) {
        INFO("target " << target);
        // Per run.
        std::map<std::int64_t, common::CostToTarget> expected;
        for (const auto& [run_id, run] : runs) {
            expected[run_id] = common::cost_to_target(
                common::RunHistory{run.test_loss, run.net_j, run.gross_j, run.flops_per_epoch},
                target);
        }
        database.with_transaction("read run costs", [&](pqxx::work& transaction) {
            const pqxx::result rows = transaction.exec_params(
                "SELECT run_id, coalesce(epoch, 0), net_j, gross_j, flops "
                "FROM run_cost_to_target('banana', $1, 'test')",
                target);
            REQUIRE(rows.size() == runs.size());
            for (const auto& row : rows) {
                const common::CostToTarget& want = expected.at(row[0].as<std::int64_t>());
                CHECK(row[1].as<int>() == want.epoch.value_or(0));
                CHECK(row[2].as<double>() == Approx(want.net_j).epsilon(1e-9));
                CHECK(row[3].as<double>() == Approx(want.gross_j).epsilon(1e-9));
                CHECK(row[4].as<double>() == Approx(want.flops).epsilon(1e-12));
            }
        });
        // Per experiment, then per group: medians, E*, s_opt, s_min, Q.
        std::map<std::int64_t, std::vector<double>> costs;  // experiment -> net joules
        for (const auto& [run_id, run] : runs) {
            costs[run.experiment_id].push_back(expected.at(run_id).net_j);
        }
        std::map<std::string, std::vector<common::SizeCost>> groups;
        database.with_transaction("read group choices", [&](pqxx::work& transaction) {
            for (const auto& row :
                 transaction.exec_params("SELECT experiment_id, group_key, net_j FROM "
                                         "experiment_cost_to_target('banana', $1, 'test')",
                                         target)) {
                const auto experiment = row[0].as<std::int64_t>();
                const double median = common::median_cost(costs.at(experiment));
                CHECK(row[2].as<double>() == Approx(median).epsilon(1e-9));
                groups[row[1].as<std::string>()].push_back({size_of.at(experiment), median});
            }
            REQUIRE(groups.size() == 2);
            for (const auto& [group, sizes] : groups) {
                INFO(group);
                const common::SizeChoice want = common::choose_size(sizes);
                const pqxx::row got = transaction.exec_params1(
                    "SELECT e_star, s_opt, s_min, q, sizes FROM "
                    "group_size_choice('banana', $1, 'test', 'net') WHERE group_key = $2",
                    target,
                    group);
                CHECK(got[0].as<double>() == Approx(want.minimum_cost).epsilon(1e-9));
                CHECK(got[1].is_null() == !want.optimal_size.has_value());
                CHECK(got[2].is_null() == !want.smallest_size.has_value());
                if (want.optimal_size) {
                    CHECK(got[1].as<std::int64_t>() == *want.optimal_size);
                    CHECK(got[2].as<std::int64_t>() == *want.smallest_size);
                    CHECK(got[3].as<double>() == Approx(*want.size_ratio));
                }
                CHECK(got[4].as<int>() == 5);
            }
        });
    }
    database.with_transaction("read levels", [&](pqxx::work& transaction) {
        // 200 log-spaced levels, rising; none for a series no run has.
        CHECK(query_double(transaction,
                           "SELECT count(*) FROM dataset_loss_levels('banana', 'test')") == 200);
        CHECK(query_double(transaction,
                           "SELECT bool_and(loss < lead)::int FROM (SELECT loss, lead(loss) OVER "
                           "(ORDER BY loss_index) FROM dataset_loss_levels('banana', 'test')) l "
                           "WHERE lead IS NOT NULL") == 1.0);
        CHECK(query_double(transaction,
                           "SELECT count(*) FROM dataset_loss_levels('banana', 'validation')") ==
              0);
        CHECK(query_double(transaction,
                           "SELECT count(*) FROM group_best_loss('banana', 'test') WHERE "
                           "best_loss > 0 AND best_loss < 0.3") == 2);
        // Every example docs/sql.md gives runs, and answers something.
        const std::vector<std::string> examples =
            testing::sql_examples("Energy to a target (train for less)");
        CHECK(examples.size() == 4);
        for (const std::string& example : examples) {
            INFO(example);
            CHECK_FALSE(transaction.exec(example).empty());
        }
    });
}

TEST_CASE("replay_searches: the search replayed on stored runs, as on the same runs in memory",
          "[schema][db][target]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    const StoredGrid grid = store_grid(database);

    struct Case {
        const char* rule;
        CostMeasure measure;
        int budget;  // epochs: a budget below the runs' 30 reads only their first epochs
    };

    for (const Case& test : {Case{"proportional(0.01, 2)", CostMeasure::kNet, 30},
                             Case{"full", CostMeasure::kNet, 30},
                             Case{"cap(5)", CostMeasure::kNet, 30},
                             Case{"full", CostMeasure::kNet, 12},
                             Case{"proportional(0.01, 2)", CostMeasure::kFlops, 30}}) {
        // Plain variables: the lambda below captures them (it cannot capture bindings).
        const char* const rule = test.rule;
        const CostMeasure measure = test.measure;
        const int budget = test.budget;
        INFO(rule << " on " << kCostMeasureNames.name(measure) << " within " << budget
                  << " epochs");
        SearchReplayRequest request;
        request.energy = measure;
        request.dataset = "banana";
        request.monitored = "test";
        request.targets = {0.3, 0.2, 0.12};
        request.spec.start_size = 64;
        request.spec.max_size = 1024;
        request.spec.epoch_cap = budget;
        request.spec.failure = common::parse_failure_rule(rule);
        const std::vector<GroupReplay> replays = replay_searches(database, request);
        REQUIRE(replays.size() == 6);  // 2 groups x 3 targets
        for (const GroupReplay& replay : replays) {
            INFO(replay.group_key << " to " << replay.target);
            CHECK(replay.sizes == 5);
            CHECK(replay.replays == 3);
            common::SearchSpec spec = request.spec;
            spec.target = replay.target;
            std::vector<double> spent;
            std::vector<double> full;
            std::deque<std::vector<float>> kept;
            for (int index = 0; index < 3; ++index) {
                const auto stored = [&](std::int64_t size) -> std::optional<common::StoredAttempt> {
                    for (const auto& [run_id, run] : grid.runs) {
                        if (grid.group_of.at(run.experiment_id) == replay.group_key &&
                            run.size == size && grid.repetition_of.at(run_id) == index) {
                            // Flops: every epoch costs the run's flops per epoch. A
                            // history views its series, so they outlive the lambda. A
                            // diverged run has fewer epochs than the budget.
                            const std::size_t epochs =
                                std::min(static_cast<std::size_t>(budget), run.test_loss.size());
                            const std::vector<float>& cost = kept.emplace_back(
                                measure == CostMeasure::kFlops
                                    ? std::vector<float>(epochs,
                                                         static_cast<float>(run.flops_per_epoch))
                                    : std::vector<float>(
                                          run.net_j.begin(),
                                          run.net_j.begin() + static_cast<std::ptrdiff_t>(epochs)));
                            const std::span<const float> loss =
                                std::span<const float>(run.test_loss).first(epochs);
                            return common::StoredAttempt{
                                common::RunHistory{loss, cost, cost, run.flops_per_epoch},
                                std::isnan(run.test_loss.back())};
                        }
                    }
                    return std::nullopt;
                };
                const common::SearchOutcome outcome = common::replay_search(spec, stored);
                spent.push_back(outcome.size_found ? outcome.net_j : common::kUnreached);
                const std::optional<common::StoredAttempt> largest = stored(1024);
                REQUIRE(largest);
                full.push_back(common::sum_of_first(largest->history.net_j, 1000000));
            }
            const double median = common::median_cost(spent);
            if (median == common::kUnreached) {
                CHECK(replay.search_j == common::kUnreached);
            } else {
                CHECK(replay.search_j == Approx(median).epsilon(1e-9));
                CHECK(replay.hit_j > 0);
                CHECK(replay.fail_j >= 0);
            }
            CHECK(replay.largest_size == 1024);
            CHECK(replay.full_j == Approx(common::median_cost(full)).epsilon(1e-6));
        }
    }
}

TEST_CASE("median_cost: the SQL median treats +Infinity as unreached, as the C++ one",
          "[schema][db][target]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    testing::enqueue_runs(database, 1);  // migrates
    database.with_transaction("medians", [](pqxx::work& transaction) {
        for (const std::vector<double>& values :
             std::vector<std::vector<double>>{{3, 1, 2},
                                              {4, 1, 2, 3},
                                              {1, 2, common::kUnreached},
                                              {1, common::kUnreached},
                                              {1, 2, common::kUnreached, common::kUnreached},
                                              {1, 2, 3, common::kUnreached}}) {
            std::string array = "ARRAY[";
            for (const double value : values) {
                array += (array.size() > 6 ? "," : "") +
                         (value == common::kUnreached ? std::string("'Infinity'")
                                                      : std::to_string(value)) +
                         "::double precision";
            }
            array += "]";
            CHECK(query_double(transaction, "SELECT median_cost(" + array + ")") ==
                  common::median_cost(values));
        }
    });
}

}  // namespace joulesweep::coordinator
