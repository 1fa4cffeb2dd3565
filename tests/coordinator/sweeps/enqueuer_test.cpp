#include "joulesweep/coordinator/sweeps/enqueuer.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/coordinator/queue/run_queue.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"

#include "every_field.hpp"
#include "test_database.hpp"

namespace joulesweep::coordinator {
namespace {

SweepPlan plan_of(const std::string& yaml) {
    return plan_sweeps(parse_sweeps(yaml, "test.yaml"));
}

}  // namespace

TEST_CASE("enqueue_plan: every experiment field reaches its typed column and comes back",
          "[coordinator][db][enqueue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    testing::migrate_fully(database);
    SweepPlan plan;
    PlannedExperiment planned;
    planned.config = testing::every_field_set();
    planned.key = common::canonical_key(planned.config);
    planned.labels = {"every_field"};
    plan.experiments.push_back(planned);
    CHECK(enqueue_plan(database, plan).runs_added == 1);
    // The typed columns, not only the jsonb copy, hold each value.
    for (const std::string_view field : common::experiment_field_names()) {
        INFO(field);
        std::string expected;
        common::visit_experiment_fields(planned.config,
                                        [&](std::string_view name, const auto& value) {
                                            if (name == field) {
                                                expected = common::field_text(value);
                                            }
                                        });
        CHECK(testing::query_value<std::string>(
                  database, fmt::format("SELECT {}::text FROM experiment", field)) == expected);
    }
    RunQueue queue(database, QueueOptions{});
    const auto coordinator = queue.register_coordinator(CoordinatorRegistration{});
    const auto claimed = queue.claim(coordinator, 1);
    REQUIRE(claimed.size() == 1);
    CHECK(queue.experiment_configs({claimed[0].experiment_id}).at(claimed[0].experiment_id) ==
          planned.config);
}

TEST_CASE("enqueue_plan: twice adds nothing, more repetitions add only the missing runs",
          "[coordinator][db][enqueue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    testing::migrate_fully(database);
    const std::string grid =
        "grid: {dataset: 529_pollen, shape: [rectangle, trapezoid], depth: [2, 3], size: 1024}";

    const auto first =
        enqueue_plan(database, plan_of("label: s\nrepetitions: 2\npriority: 4\n" + grid));
    CHECK(first.experiments_added == 4);
    CHECK(first.runs_added == 8);
    const auto again =
        enqueue_plan(database, plan_of("label: s\nrepetitions: 2\npriority: 4\n" + grid));
    CHECK(again.experiments_added == 0);
    CHECK(again.experiments_existing == 4);
    CHECK(again.runs_added == 0);
    const auto more =
        enqueue_plan(database, plan_of("label: s\nrepetitions: 5\npriority: 4\n" + grid));
    CHECK(more.runs_added == 12);
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM run") == 20);
    CHECK(testing::query_value<int>(
              database, "SELECT count(*) FROM run WHERE priority = 4 AND status = 'pending'") ==
          20);
    CHECK(testing::query_value<int>(database, "SELECT count(DISTINCT seed) FROM run") == 20);
    CHECK(testing::query_value<std::string>(
              database, "SELECT config->>'shape' FROM experiment ORDER BY experiment_id LIMIT 1") ==
          "rectangle");
}

TEST_CASE("enqueue_plan: seeds depend only on the configuration and the repetition",
          "[coordinator][db][enqueue]") {
    const std::string sweep =
        "label: s\nrepetitions: 3\ngrid: {dataset: banana, shape: rectangle, depth: 2, size: 64}";
    std::string seeds_one;
    std::string seeds_two;
    for (std::string* seeds : {&seeds_one, &seeds_two}) {
        const testing::TestDatabase fresh;
        Database database(fresh.target());
        testing::migrate_fully(database);
        enqueue_plan(database, plan_of(sweep));
        *seeds = testing::query_value<std::string>(
            database, "SELECT string_agg(seed::text, ',' ORDER BY repetition) FROM run");
    }
    CHECK(seeds_one == seeds_two);
}

TEST_CASE("enqueue_plan: labels with quotes, backslashes and SQL round-trip unchanged",
          "[coordinator][db][enqueue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    testing::migrate_fully(database);
    const std::string label = R"(it's "x"\y'; DROP TABLE run; --)";
    enqueue_plan(database,
                 plan_of("label: '" + std::string(R"(it''s "x"\y''; DROP TABLE run; --)") +
                         "'\ngrid: {dataset: banana, shape: rectangle, depth: 2, size: 64}"));
    CHECK(testing::query_value<std::string>(database, "SELECT label FROM experiment_label") ==
          label);
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM run") == 1);
}

TEST_CASE("enqueue_plan: an experiment in two sweeps carries both labels",
          "[coordinator][db][enqueue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    testing::migrate_fully(database);
    const std::string grid = "grid: {dataset: banana, shape: rectangle, depth: 2, size: 64}";
    enqueue_plan(database, plan_of("label: first\n" + grid));
    enqueue_plan(database, plan_of("label: second\nrepetitions: 2\n" + grid));
    CHECK(testing::query_value<std::string>(
              database, "SELECT string_agg(label, ',' ORDER BY label) FROM experiment_label") ==
          "first,second");
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM experiment") == 1);
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM run") == 2);
}

}  // namespace joulesweep::coordinator
