#include "joulesweep/coordinator/queue/run_queue.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sys/wait.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

#include "queue_fixture.hpp"
#include "sample_energy.hpp"
#include "test_database.hpp"

namespace joulesweep::coordinator {
using testing::completions_for;
using testing::enqueue_runs;
using testing::fast_options;
using testing::registration;

TEST_CASE("RunQueue: claims the highest priority first and never the same run twice",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 6, {0, 5});
    RunQueue queue(database, fast_options());
    const auto coordinator = queue.register_coordinator(registration("host-a"));

    const auto first = queue.claim(coordinator, 2);
    REQUIRE(first.size() == 2);
    CHECK(first[0].repetition == 1);  // priority 5 before priority 0, then by run id
    CHECK(first[1].repetition == 3);
    CHECK(first[0].attempt == 1);
    CHECK(first[0].seed == 1001);
    const auto rest = queue.claim(coordinator, 10);
    CHECK(rest.size() == 4);
    CHECK(queue.claim(coordinator, 10).empty());
    CHECK(testing::query_value<int>(database,
                                    "SELECT count(*) FROM run WHERE status = 'running'") == 6);
}

TEST_CASE("RunQueue: completion stores results once, a repeat stores nothing and reports them",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 3);
    RunQueue queue(database, fast_options());
    const auto coordinator = queue.register_coordinator(registration("host-a"));
    const auto claimed = queue.claim(coordinator, 3);

    std::vector<common::RunOutcome> completions = completions_for(claimed);
    completions[1].result.diverged = true;
    completions[1].result.statistics[0][2] = std::nanf("");
    completions[1].result.statistics[1][2] = -INFINITY;
    completions[1].result.statistics[common::kValidationOffset].clear();  // no validation rows
    completions[2].result.host = R"(node "7"\b's)";
    completions[2].result.slurm_job_id = "4242_1";
    completions[2].result.software_json = R"({"joulesweep": "0.1 \"quoted\""})";
    completions[2].result.backend = common::Backend::kOnednn;
    completions[2].result.threads = 2;
    completions[2].result.energy =
        testing::sample_energy(completions[2].result.epoch_wall_s.size());
    CHECK(queue.complete(coordinator, completions).size() == 3);
    // As after a connection lost during COMMIT: the repeat changes nothing and says the
    // three are stored, so the coordinator neither loses nor duplicates them.
    CHECK(queue.complete(coordinator, completions).size() == 3);
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM result") == 3);
    CHECK(testing::query_value<int>(
              database,
              "SELECT count(*) FROM run WHERE status = 'done' AND finished_at IS NOT NULL") == 3);

    CHECK(testing::query_value<std::string>(
              database,
              "SELECT string_agg(backend || '/' || threads, ' ' ORDER BY run_id) FROM result") ==
          "eigen/1 eigen/1 onednn/2");
    // Stored by a binary with Keras-exact optimizers (migration 0012).
    CHECK(testing::query_value<int>(database,
                                    "SELECT count(*) FROM result WHERE update_rules = 2") == 3);
    const auto diverged_id = std::to_string(claimed[1].run_id);
    CHECK(testing::query_value<std::string>(
              database, "SELECT train_loss::text FROM result WHERE run_id = " + diverged_id) ==
          "{0.33333334,0.25,NaN}");
    CHECK(
        testing::query_value<std::string>(
            database, "SELECT train_accuracy[3]::text FROM result WHERE run_id = " + diverged_id) ==
        "-Infinity");
    CHECK(testing::query_value<bool>(database,
                                     "SELECT diverged FROM result WHERE run_id = " + diverged_id));
    CHECK(testing::query_value<std::string>(
              database, "SELECT validation_loss::text FROM result WHERE run_id = " + diverged_id) ==
          "{}");
    // The epoch it diverged in: its last (migration 0014); NULL for the others.
    CHECK(testing::query_value<std::string>(
              database,
              "SELECT string_agg(coalesce(diverged_epoch::text, '-'), ' ' ORDER BY run_id) "
              "FROM result") == "- 3 -");
    CHECK(testing::query_value<int>(
              database,
              "SELECT count(*) FROM result WHERE cardinality(validation_loss) "
              "= cardinality(test_loss) AND validation_hinge = test_hinge") == 2);
    CHECK(testing::query_value<std::string>(database, "SELECT widths::text FROM result LIMIT 1") ==
          "{5,5,1}");
    const auto quoted_id = std::to_string(claimed[2].run_id);
    // Energy: per-epoch totals over the domains, the domains as 2-D arrays, provenance.
    CHECK(testing::query_value<int>(
              database, "SELECT count(*) FROM result WHERE energy_source IS NULL") == 2);
    const std::string energy_row = " FROM result WHERE run_id = " + quoted_id;
    CHECK(testing::query_value<std::string>(
              database, "SELECT energy_source || ' ' || energy_gross_j::text" + energy_row) ==
          "rapl_sysfs {11,22,33}");
    CHECK(testing::query_value<std::string>(database, "SELECT energy_net_j::text" + energy_row) ==
          "{5.5,11,16.5}");
    CHECK(testing::query_value<std::string>(database,
                                            "SELECT energy_domain_gross_j::text" + energy_row) ==
          "{{10,20,30},{1,2,3}}");
    CHECK(testing::query_value<std::string>(database,
                                            "SELECT energy_provenance->>'attribution' || ' ' || "
                                            "(energy_provenance->'domains')::text "
                                            "|| ' ' || (energy_provenance->'share')::text" +
                                                energy_row) ==
          R"(cpu_time_share ["package-0", "dram-0"] [0.25, 0.25, 0.25])");
    CHECK(testing::query_value<std::string>(database,
                                            "SELECT round(gross_j::numeric, 3) || ' ' || "
                                            "round(gross_j_per_train_sample::numeric, 6) "
                                            "FROM run_energy WHERE run_id = " +
                                                quoted_id) ==
          "66.000 0.034375");  // 66 J / (3 epochs x 640 rows)
    // The rest of the node: the wall's reads missed epoch 1 (NULL, not NaN).
    CHECK(testing::query_value<std::string>(
              database,
              "SELECT energy_wall_source || ' ' || energy_rest_of_node_j::text" + energy_row) ==
          "ipmi_dcmi {NULL,8,12}");
    CHECK(testing::query_value<std::string>(database,
                                            "SELECT epochs || ' ' || epochs_known || ' ' || "
                                            "rest_of_node_j || ' ' || domains_j || ' ' || "
                                            "round(rest_of_node_fraction::numeric, 4) "
                                            "FROM run_rest_of_node WHERE run_id = " +
                                                quoted_id) ==
          "3 2 20 55 0.2667");  // 20 J beside 22 + 33 J of RAPL
    CHECK(testing::query_value<std::string>(
              database,
              "SELECT host || '|' || slurm_job_id || '|' || (software->>'joulesweep') FROM result "
              "WHERE run_id = " +
                  quoted_id) == R"(node "7"\b's|4242_1|0.1 "quoted")");
    CHECK(testing::query_value<int>(database,
                                    "SELECT count(*) FROM result WHERE slurm_job_id IS NULL") == 2);
}

TEST_CASE("RunQueue: a reaped coordinator's late completion is rejected",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 2);
    RunQueue queue(database, fast_options());
    const auto zombie = queue.register_coordinator(registration("host-a"));
    const auto stale_claims = queue.claim(zombie, 2);
    REQUIRE(stale_claims.size() == 2);

    database.with_transaction("age the lease", [&](pqxx::work& transaction) {
        transaction.exec_params0(
            "UPDATE coordinator SET heartbeat_at = now() - interval '1 hour' "
            "WHERE coordinator_id = $1",
            zombie);
    });
    const auto reaped = queue.reap_expired();
    REQUIRE(reaped.size() == 2);
    CHECK_FALSE(reaped[0].dead_lettered);
    CHECK(queue.reap_expired().empty());  // a second reaper finds nothing
    CHECK_FALSE(queue.heartbeat(zombie));
    CHECK(testing::query_value<int>(database, "SELECT max(lost_count) FROM run") == 1);

    const auto successor = queue.register_coordinator(registration("host-b"));
    const auto fresh_claims = queue.claim(successor, 2);
    REQUIRE(fresh_claims.size() == 2);
    CHECK(fresh_claims[0].attempt == 2);

    CHECK(queue.complete(zombie, completions_for(stale_claims)).empty());
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM result") == 0);
    CHECK(queue.complete(successor, completions_for(fresh_claims)).size() == 2);
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM result WHERE attempt = 2") ==
          2);
}

TEST_CASE("RunQueue: a run lost too often is dead-lettered", "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 1);
    database.with_transaction("limit losses", [](pqxx::work& transaction) {
        transaction.exec0("UPDATE run SET max_lost = 2");
    });
    RunQueue queue(database, fast_options());
    for (int round = 1; round <= 2; ++round) {
        const auto coordinator = queue.register_coordinator(registration("host"));
        REQUIRE(queue.claim(coordinator, 1).size() == 1);
        database.with_transaction("age the lease", [](pqxx::work& transaction) {
            transaction.exec0("UPDATE coordinator SET heartbeat_at = now() - interval '1 hour'");
        });
        const auto reaped = queue.reap_expired();
        REQUIRE(reaped.size() == 1);
        CHECK(reaped[0].dead_lettered == (round == 2));
    }
    CHECK(testing::query_value<std::string>(database, "SELECT last_error FROM run")
              .find("lease expired") == 0);
}

TEST_CASE("RunQueue: failures back off, then dead-letter, permanent ones at once",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 2);
    QueueOptions options = fast_options();
    options.retry_backoff_base = std::chrono::seconds(60);
    RunQueue queue(database, options);
    const auto coordinator = queue.register_coordinator(registration("host-a"));
    const auto claimed = queue.claim(coordinator, 2);
    REQUIRE(claimed.size() == 2);

    const auto transient = queue.fail(
        coordinator,
        common::RunFailure{claimed[0].run_id, claimed[0].attempt, "out of memory", false});
    REQUIRE(transient);
    CHECK_FALSE(transient->dead_lettered);
    CHECK(testing::query_value<bool>(
        database,
        "SELECT not_before > now() + interval '50 seconds' FROM run WHERE run_id = " +
            std::to_string(claimed[0].run_id)));
    CHECK(queue.claim(coordinator, 1).empty());  // still backing off

    const auto permanent = queue.fail(
        coordinator,
        common::RunFailure{claimed[1].run_id, claimed[1].attempt, "unknown dataset", true});
    REQUIRE(permanent);
    CHECK(permanent->dead_lettered);
    CHECK_FALSE(queue.fail(
        coordinator, common::RunFailure{claimed[1].run_id, claimed[1].attempt, "again", false}));

    // Exhaust the retries of the first run (max_errors = 3).
    database.with_transaction("skip the backoff", [](pqxx::work& transaction) {
        transaction.exec0("UPDATE run SET not_before = now() WHERE status = 'pending'");
    });
    for (int error = 2; error <= 3; ++error) {
        const auto again = queue.claim(coordinator, 1);
        REQUIRE(again.size() == 1);
        const auto transition = queue.fail(
            coordinator,
            common::RunFailure{again[0].run_id, again[0].attempt, "out of memory", false});
        REQUIRE(transition);
        CHECK(transition->dead_lettered == (error == 3));
        database.with_transaction("skip the backoff", [](pqxx::work& transaction) {
            transaction.exec0("UPDATE run SET not_before = now() WHERE status = 'pending'");
        });
    }
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM run WHERE status = 'failed'") ==
          2);

    CHECK(queue.redrive(std::string("unknown dataset")) == 1);
    CHECK(testing::query_value<int>(
              database, "SELECT count(*) FROM run WHERE status = 'pending' AND error_count = 0") ==
          1);
    CHECK(queue.redrive(std::nullopt) == 1);
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM run WHERE status = 'failed'") ==
          0);
}

TEST_CASE("RunQueue: only an active coordinator claims, the reaper requeues stragglers",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 6);
    RunQueue queue(database, fast_options());
    const auto draining = queue.register_coordinator(registration("node-1"));
    queue.mark_draining(draining);
    CHECK(queue.claim(draining, 2).empty());
    CHECK(queue.claim(999999, 2).empty());  // never registered

    // A claim that committed while its coordinator was being reaped leaves running runs
    // under an expired owner; the next reap puts them back.
    const auto late = queue.register_coordinator(registration("node-2"));
    const auto claimed = queue.claim(late, 2);
    REQUIRE(claimed.size() == 2);
    database.with_transaction("expire it behind its back", [&](pqxx::work& transaction) {
        transaction.exec_params0(
            "UPDATE coordinator SET state = 'expired' WHERE coordinator_id = $1", late);
    });
    const auto transitions = queue.reap_expired();
    CHECK(transitions.size() == 2);
    CHECK(testing::query_value<int>(database,
                                    "SELECT count(*) FROM run WHERE status = 'pending' AND "
                                    "lost_count = 1") == 2);
    CHECK(queue.complete(late, completions_for(claimed)).empty());
}

TEST_CASE("RunQueue: releasing unstarted runs on drain charges nothing",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 5);
    RunQueue queue(database, fast_options());
    const auto coordinator = queue.register_coordinator(registration("host-a"));
    const auto claimed = queue.claim(coordinator, 5);
    REQUIRE(claimed.size() == 5);
    queue.mark_draining(coordinator);
    CHECK(queue.heartbeat(coordinator));  // a draining coordinator keeps its lease
    CHECK(queue.release(coordinator, {claimed[0].run_id, claimed[1].run_id, claimed[2].run_id}) ==
          3);
    CHECK(queue.release(coordinator, {claimed[0].run_id}) == 0);
    CHECK(testing::query_value<int>(
              database,
              "SELECT count(*) FROM run WHERE status = 'pending' AND error_count = 0 "
              "AND lost_count = 0 AND attempt = 1") == 3);
    queue.mark_exited(coordinator);
    CHECK_FALSE(queue.heartbeat(coordinator));

    const auto other = queue.register_coordinator(registration("host-b"));
    const auto reclaimed = queue.claim(other, 5);
    REQUIRE(reclaimed.size() == 3);
    CHECK(reclaimed[0].attempt == 2);
}

TEST_CASE("RunQueue: progress, configurations and the release of everything held",
          "[coordinator][db][queue]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    enqueue_runs(database, 4);
    RunQueue queue(database, fast_options());
    const auto coordinator = queue.register_coordinator(registration("host-a"));
    const auto other = queue.register_coordinator(registration("host-b"));
    const auto mine = queue.claim(coordinator, 3);
    const auto theirs = queue.claim(other, 1);
    REQUIRE(mine.size() == 3);
    REQUIRE(theirs.size() == 1);

    queue.record_progress(coordinator,
                          {RunEpoch{mine[0].run_id, mine[0].attempt, 2},
                           RunEpoch{mine[1].run_id, mine[1].attempt + 1, 9},    // stale attempt
                           RunEpoch{theirs[0].run_id, theirs[0].attempt, 7}});  // not ours
    CHECK(
        testing::query_value<std::string>(
            database,
            "SELECT string_agg(coalesce(current_epoch, 0)::text, ',' ORDER BY run_id) FROM run") ==
        "2,0,0,0");

    const auto configs = queue.experiment_configs({mine[0].experiment_id});
    REQUIRE(configs.size() == 1);
    CHECK(configs.at(mine[0].experiment_id).dataset == "529_pollen");
    CHECK(configs.at(mine[0].experiment_id).depth == 3);
    CHECK_THROWS_AS(queue.experiment_configs({987654}), common::DatabaseError);

    CHECK(queue.release_all(coordinator) == 3);
    CHECK(queue.release_all(coordinator) == 0);
    CHECK(testing::query_value<int>(database,
                                    "SELECT count(*) FROM run WHERE status = 'running'") == 1);
}

TEST_CASE("RunQueue: concurrent claimer processes do every run exactly once",
          "[coordinator][db][queue]") {
    constexpr int kRuns = 2000;
    constexpr int kClaimers = 4;
    const testing::TestDatabase fresh;
    {
        Database database(fresh.target());
        enqueue_runs(database, kRuns);
    }
    std::vector<pid_t> children;
    for (int claimer = 0; claimer < kClaimers; ++claimer) {
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            int exit_code = 0;
            try {
                Database database(fresh.target());
                RunQueue queue(database, fast_options());
                const auto coordinator = queue.register_coordinator(registration("claimer"));
                while (true) {
                    const auto claimed = queue.claim(coordinator, 25);
                    if (claimed.empty()) {
                        break;
                    }
                    if (queue.complete(coordinator, completions_for(claimed, 2)).size() !=
                        claimed.size()) {
                        exit_code = 2;
                    }
                }
            } catch (const std::exception&) {
                exit_code = 1;
            }
            _exit(exit_code);
        }
        children.push_back(child);
    }
    for (const pid_t child : children) {
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    Database database(fresh.target());
    CHECK(testing::query_value<int>(database, "SELECT count(*) FROM result") == kRuns);
    CHECK(testing::query_value<int>(
              database, "SELECT count(*) FROM run WHERE status = 'done' AND attempt = 1") == kRuns);
    CHECK(testing::query_value<int>(database,
                                    "SELECT count(DISTINCT coordinator_id) FROM result") >= 1);
}

}  // namespace joulesweep::coordinator
