#include <cmath>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "joulesweep/coordinator/queue/run_queue.hpp"

#include "queue_fixture.hpp"
#include "sample_energy.hpp"
#include "sql_doc.hpp"
#include "test_database.hpp"

namespace joulesweep::coordinator {
namespace {

using testing::query_value;

// Two pending runs of one search experiment (sizes 32, 64, 128).
void enqueue_searches(Database& database) {
    testing::enqueue_runs(database, 2);
    database.with_transaction("make it a search", [](pqxx::work& transaction) {
        transaction.exec0(
            "UPDATE experiment SET kind = 'search', search_target = 0.25, size = 32, "
            "search_max_size = 128, search_monitored = 'test'");
    });
}

// Attempt `number` of a claimed search run: 3 epochs (the fixture's result), with energy.
common::SearchAttemptReport attempt_of(const ClaimedRun& claimed,
                                       int number,
                                       common::AttemptOutcome outcome,
                                       bool final) {
    common::SearchAttemptReport report;
    report.run_id = claimed.run_id;
    report.attempt = claimed.attempt;
    report.result = testing::completion_for(claimed).result;
    report.result.energy = testing::sample_energy(3);
    report.record.attempt = number;
    report.record.size = std::int64_t{32} << number;
    report.record.outcome = outcome;
    report.record.epochs = 3;
    report.record.best_loss = 0.2;
    report.record.net_j = 6.0;
    report.record.gross_j = 9.0;
    report.record.flops = 3.0e6;
    report.final = final;
    return report;
}

}  // namespace

TEST_CASE("RunQueue: search attempts are stored once, fenced, and a search resumes after them",
          "[coordinator][db][queue][search]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_searches(database);
    RunQueue queue(database, testing::fast_options());
    const auto first = queue.register_coordinator(testing::registration("host-a"));
    const auto claimed = queue.claim(first, 1);
    REQUIRE(claimed.size() == 1);
    const ClaimedRun& run = claimed[0];
    CHECK(queue.search_resume({run.run_id}).at(run.run_id).attempts_done == 0);
    CHECK(std::isnan(queue.search_resume({run.run_id}).at(run.run_id).reference_operations));

    const auto failed = attempt_of(run, 0, common::AttemptOutcome::kFailedTrigger, false);
    CHECK(queue.store_attempt(first, failed));
    CHECK(queue.store_attempt(first, failed));  // repeated after a lost COMMIT: no second row
    CHECK(query_value<int>(database, "SELECT count(*) FROM search_attempt") == 1);
    CHECK(query_value<std::string>(
              database, "SELECT status FROM run WHERE run_id = " + std::to_string(run.run_id)) ==
          "running");
    CHECK(query_value<int>(database,
                           "SELECT cardinality(test_loss) + cardinality(energy_net_j) "
                           "FROM search_attempt") == 6);

    // Another coordinator cannot write into a claim it does not hold.
    const auto second = queue.register_coordinator(testing::registration("host-b"));
    CHECK_FALSE(
        queue.store_attempt(second, attempt_of(run, 1, common::AttemptOutcome::kReached, true)));

    // The claim is lost (released here; reaped alike): the next claim resumes at attempt 1.
    CHECK(queue.release(first, {run.run_id}) == 1);
    const auto again = queue.claim(second, 2);
    REQUIRE(again.size() == 2);
    const ClaimedRun& resumed = again[0].run_id == run.run_id ? again[0] : again[1];
    const ClaimedRun& other = again[0].run_id == run.run_id ? again[1] : again[0];
    CHECK(queue.search_resume({resumed.run_id}).at(resumed.run_id).attempts_done == 1);
    // The old claim's attempts are refused now.
    CHECK_FALSE(
        queue.store_attempt(first, attempt_of(run, 1, common::AttemptOutcome::kReached, true)));

    CHECK(queue.store_attempt(second,
                              attempt_of(resumed, 1, common::AttemptOutcome::kReached, true)));
    CHECK(query_value<std::string>(
              database, "SELECT status FROM run WHERE run_id = " + std::to_string(run.run_id)) ==
          "done");
    CHECK(query_value<int>(database, "SELECT count(*) FROM result") == 0);
    // The final attempt, stored again after a lost COMMIT, is still ours.
    CHECK(queue.store_attempt(second,
                              attempt_of(resumed, 1, common::AttemptOutcome::kReached, true)));

    const std::string summary =
        "SELECT attempts || ' ' || reached || ' ' || size_found || ' ' || "
        "epochs || ' ' || net_j || ' ' || gross_j || ' ' || flops "
        "FROM search_result WHERE run_id = " +
        std::to_string(run.run_id);
    CHECK(query_value<std::string>(database, summary) == "2 true 64 6 12 18 6000000");
    // The other search of the experiment now has a cost_cap reference: the reached
    // attempt's operations.
    CHECK(queue.search_resume({other.run_id}).at(other.run_id).reference_operations == 3.0e6);
    CHECK(query_value<std::string>(database,
                                   "SELECT coalesce(reached::text, 'null') FROM search_result "
                                   "WHERE run_id = " +
                                       std::to_string(other.run_id)) == "null");

    // Every example of docs/sql.md's "Searches" runs and answers something (its run 42 is
    // this test's search).
    const std::vector<std::string> examples = testing::sql_examples("Searches");
    CHECK(examples.size() == 2);
    for (std::string example : examples) {
        INFO(example);
        const auto at = example.find("run_id = 42");
        if (at != std::string::npos) {
            example.replace(at, 11, "run_id = " + std::to_string(run.run_id));
        }
        CHECK_FALSE(query_value<std::string>(database,
                                             "SELECT count(*)::text FROM (" +
                                                 example.substr(0, example.rfind(';')) +
                                                 ") AS rows") == "0");
    }
}

}  // namespace joulesweep::coordinator
