// The views of migration 0003 and the read-only role, against a real PostgreSQL.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

#include "queue_fixture.hpp"
#include "sample_energy.hpp"
#include "sql_doc.hpp"
#include "test_database.hpp"

namespace joulesweep::coordinator {
namespace {

using testing::query_value;

// 10 runs: 4 done, 2 running, 1 dead letter, 1 retrying after an error, 2 untouched.
std::int64_t make_busy_queue(Database& database, RunQueue& queue) {
    testing::enqueue_runs(database, 10);
    database.with_transaction("label the experiment", [](pqxx::work& transaction) {
        transaction.exec0(
            "INSERT INTO experiment_label SELECT experiment_id, 'it''s \"primary\"' FROM "
            "experiment");
    });
    const auto coordinator = queue.register_coordinator(testing::registration("node-7"));
    const auto claimed = queue.claim(coordinator, 8);
    REQUIRE(claimed.size() == 8);
    const std::vector<ClaimedRun> done(claimed.begin(), claimed.begin() + 4);
    REQUIRE(queue.complete(coordinator, testing::completions_for(done)).size() == 4);
    REQUIRE(queue.fail(
        coordinator,
        common::RunFailure{
            claimed[4].run_id, claimed[4].attempt, "unknown optimizer 'adagrad'", true}));
    REQUIRE(queue.fail(
        coordinator,
        common::RunFailure{claimed[5].run_id, claimed[5].attempt, "out of memory", false}));
    database.with_transaction("report an epoch", [&](pqxx::work& transaction) {
        transaction.exec_params0("UPDATE run SET current_epoch = 2 WHERE run_id = $1",
                                 claimed[6].run_id);
    });
    return coordinator;
}

}  // namespace

TEST_CASE("views: the queue's state as queue_summary, progress, failures and runs_in_flight",
          "[schema][db][views]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    RunQueue queue(database, testing::fast_options());
    const auto coordinator = make_busy_queue(database, queue);

    CHECK(query_value<std::string>(
              database,
              "SELECT concat_ws(',', label, dataset, pending, running, done, failed, total) "
              "FROM queue_summary") == "it's \"primary\",529_pollen,3,2,4,1,10");
    CHECK(query_value<std::string>(database,
                                   "SELECT concat_ws(',', total, done, failed, running, pending, "
                                   "percent_finished, failed_attempts) FROM progress") ==
          "10,4,1,2,3,40.0,2");  // the dead letter is not finished work; 2 failures reported
    // 4 runs done just now: a rate exists, so an ETA exists and is not negative.
    CHECK(query_value<bool>(database,
                            "SELECT runs_per_minute > 0 AND eta >= interval '0' FROM progress"));
    CHECK(query_value<std::string>(
              database,
              "SELECT string_agg(concat_ws(':', error, dead_letters, retrying), ';' ORDER BY "
              "error) FROM failures") == "out of memory:0:1;unknown optimizer 'adagrad':1:0");
    CHECK(query_value<std::string>(
              database,
              "SELECT string_agg(concat_ws(':', coalesce(current_epoch, 0), epochs, host), ';' "
              "ORDER BY run_id) FROM runs_in_flight") == "2:3:node-7;0:3:node-7");
    CHECK(query_value<std::string>(
              database,
              "SELECT concat_ws(',', state, running, completed, lease_age_s < 60) FROM "
              "coordinators WHERE coordinator_id = " +
                  std::to_string(coordinator)) == "active,2,4,t");
    CHECK(query_value<int>(database, "SELECT count(*) FROM throughput") == 60);
    CHECK(query_value<int>(database, "SELECT sum(runs_done) FROM throughput") == 4);
}

TEST_CASE("views: a finished sweep has an ETA of zero, one with no recent runs has none",
          "[schema][db][views]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    RunQueue queue(database, testing::fast_options());
    testing::enqueue_runs(database, 3);
    const auto coordinator = queue.register_coordinator(testing::registration("node-1"));
    CHECK(query_value<bool>(database, "SELECT eta IS NULL FROM progress"));
    queue.complete(coordinator, testing::completions_for(queue.claim(coordinator, 3)));
    CHECK(query_value<std::string>(database, "SELECT eta::text FROM progress") == "00:00:00");
}

TEST_CASE("joulesweep_reader reads every view and table and can change nothing",
          "[schema][db][views]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    RunQueue queue(database, testing::fast_options());
    make_busy_queue(database, queue);

    const std::vector<std::string> readable{"queue_summary",
                                            "coordinators",
                                            "failures",
                                            "throughput",
                                            "progress",
                                            "runs_in_flight",
                                            "experiment",
                                            "experiment_label",
                                            "run",
                                            "coordinator",
                                            "result",
                                            "energy",
                                            "installation",
                                            "schema_migrations"};
    for (const auto& relation : readable) {
        INFO(relation);
        CHECK_NOTHROW(database.with_transaction("read as the reader", [&](pqxx::work& transaction) {
            transaction.exec0("SET LOCAL ROLE joulesweep_reader");
            transaction.exec("SELECT * FROM " + relation);
        }));
    }

    const std::vector<std::string> writes{
        "INSERT INTO experiment_label SELECT experiment_id, 'mine' FROM experiment",
        "UPDATE run SET status = 'pending', owner_id = NULL",
        "UPDATE result SET diverged = true",
        "DELETE FROM energy",
        "DELETE FROM result",
        "TRUNCATE run CASCADE",
        "CREATE TABLE public.scratch (x int)",
        "CREATE VIEW public.mine AS SELECT 1 AS one",
        "DROP VIEW progress",
        "ALTER TABLE run ADD COLUMN note text",
        "UPDATE coordinator SET state = 'exited'",
        "INSERT INTO run (experiment_id, repetition, seed) VALUES (1, 99, 1)",
    };
    for (const auto& write : writes) {
        INFO(write);
        bool refused = false;
        try {
            database.with_transaction("write as the reader", [&](pqxx::work& transaction) {
                transaction.exec0("SET LOCAL ROLE joulesweep_reader");
                transaction.exec(write);
            });
        } catch (const common::DatabaseError& error) {
            INFO(error.what());
            refused = error.sqlstate() == "42501";  // insufficient_privilege
        }
        CHECK(refused);
    }
    CHECK(query_value<int>(database, "SELECT count(*) FROM result") == 4);
    CHECK(query_value<int>(database, "SELECT count(*) FROM run WHERE status = 'done'") == 4);
}

}  // namespace joulesweep::coordinator

namespace joulesweep::coordinator {

TEST_CASE("views: BUTTER-E's standardisation aligns each node type's idle power",
          "[coordinator][db][views]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    testing::enqueue_runs(database, 4);
    RunQueue queue(database, testing::fast_options());
    const auto coordinator = queue.register_coordinator(testing::registration("node-1"));
    const auto claimed = queue.claim(coordinator, 4);
    REQUIRE(claimed.size() == 4);
    // Type A on three nodes at 100, 104 and 200 W; type B on one at 80 W. Each run has
    // 3 epochs of 0.25 s: its joules per epoch are a quarter of its watts.
    const std::vector<std::string> hosts{"a1", "a2", "a3", "b1"};
    const std::vector<float> watts{100.0F, 104.0F, 200.0F, 80.0F};
    std::vector<common::RunOutcome> completions = testing::completions_for(claimed);
    for (std::size_t run = 0; run < completions.size(); ++run) {
        common::RunResult& result = completions[run].result;
        result.host = hosts[run];
        result.energy = testing::sample_energy(3);
        result.energy->node_type = run < 3 ? "CPU A (2 CPUs)" : "CPU B (8 CPUs)";
        result.energy->gross_j = {std::vector<float>(3, watts[run] * 0.25F),
                                  std::vector<float>(3, 0.0F)};
    }
    REQUIRE(queue.complete(coordinator, completions).size() == 4);

    // A's median over its nodes is 104 W, B's 80 W; A has the most runs.
    CHECK(query_value<std::string>(database,
                                   "SELECT string_agg(node_type || ':' || nodes || ':' || "
                                   "round(median_p2_w::numeric, 1), ' ' ORDER BY node_type) "
                                   "FROM node_type_idle_power") ==
          "CPU A (2 CPUs):3:104.0 CPU B (8 CPUs):1:80.0");
    CHECK(query_value<std::string>(database,
                                   "SELECT round(offset_w::numeric, 1) || ' ' || "
                                   "round(std_power_w::numeric, 1) || ' ' || "
                                   "round(std_energy_j::numeric, 1) "
                                   "FROM standardized_run_energy() WHERE host = 'b1'") ==
          "24.0 104.0 78.0");
    CHECK(
        query_value<std::string>(
            database,
            "SELECT round(std_power_w::numeric, 1) FROM standardized_run_energy('CPU B (8 CPUs)') "
            "WHERE host = 'a3'") == "176.0");
    CHECK_THROWS_WITH(query_value<std::string>(
                          database, "SELECT count(*)::text FROM standardized_run_energy('CPU C')"),
                      Catch::Contains("no measured runs on node type 'CPU C'"));
    // The runs' power as stored: the view reads the provenance's node type.
    CHECK(query_value<std::string>(database,
                                   "SELECT round(gross_w::numeric, 1) || ' ' || run_s "
                                   "FROM run_power WHERE host = 'a2'") == "104.0 0.75");
}

TEST_CASE("docs/sql.md: every ready-to-paste query runs as written", "[schema][db][views]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    RunQueue queue(database, testing::fast_options());
    make_busy_queue(database, queue);  // done, running, pending and failed runs
    const std::vector<std::string> examples = testing::sql_examples("Ready-to-paste queries");
    CHECK(examples.size() == 9);
    for (const std::string& example : examples) {
        INFO(example);
        database.with_transaction("a documented query", [&](pqxx::work& transaction) {
            CHECK_NOTHROW(transaction.exec(example));
        });
    }
}

}  // namespace joulesweep::coordinator
