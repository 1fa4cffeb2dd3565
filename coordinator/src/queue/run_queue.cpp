#include "joulesweep/coordinator/queue/run_queue.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/sql_array.hpp"

#include "result_copy.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr std::size_t kMaxErrorLength = 4000;
constexpr const char* kClaimStatement = "joulesweep_claim";
constexpr const char* kCompleteStatement = "joulesweep_complete";

// The claim takes its rows in a MATERIALIZED CTE: a plain IN (SELECT ... LIMIT ... SKIP
// LOCKED) may be re-run per outer row by the planner and claim more than asked. Only an
// active coordinator claims: once reaped (expired) or draining, it gets nothing.
constexpr const char* kClaimSql = R"sql(
WITH picked AS MATERIALIZED (
    SELECT run_id FROM run
    WHERE status = 'pending' AND not_before <= now()
      AND EXISTS (SELECT FROM coordinator WHERE coordinator_id = $1 AND state = 'active')
    ORDER BY priority DESC, run_id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE run r
SET status = 'running', owner_id = $1, attempt = r.attempt + 1, claimed_at = now(),
    current_epoch = NULL
FROM picked
WHERE r.run_id = picked.run_id
RETURNING r.run_id, r.experiment_id, r.repetition, r.seed, r.attempt)sql";

// Expires coordinators whose lease ran out and requeues every running run whose owner is
// no longer live: those of the coordinators expired now, and stragglers of ones expired
// or exited before (a claim that committed while its coordinator was being reaped).
constexpr const char* kReapSql = R"sql(
WITH dead AS (
    UPDATE coordinator SET state = 'expired'
    WHERE state IN ('active', 'draining') AND heartbeat_at < now() - make_interval(secs => $1)
    RETURNING coordinator_id
)
UPDATE run r
SET status = CASE WHEN r.lost_count + 1 >= r.max_lost THEN 'failed' ELSE 'pending' END,
    finished_at = CASE WHEN r.lost_count + 1 >= r.max_lost THEN now() END,
    lost_count = r.lost_count + 1,
    owner_id = NULL,
    current_epoch = NULL,
    not_before = now() + make_interval(secs => $2),
    last_error = 'lease expired: coordinator ' || r.owner_id || ' stopped heartbeating or exited'
WHERE r.status = 'running'
  AND (r.owner_id IN (SELECT coordinator_id FROM dead)
       OR NOT EXISTS (SELECT FROM coordinator c
                      WHERE c.coordinator_id = r.owner_id AND c.state IN ('active', 'draining')))
RETURNING r.run_id, r.status)sql";

constexpr const char* kFailSql = R"sql(
UPDATE run r
SET status = CASE WHEN $4 OR r.error_count + 1 >= r.max_errors THEN 'failed' ELSE 'pending' END,
    finished_at = CASE WHEN $4 OR r.error_count + 1 >= r.max_errors THEN now() END,
    error_count = r.error_count + 1,
    owner_id = NULL,
    current_epoch = NULL,
    not_before = now() + least(make_interval(secs => $7),
                               make_interval(secs => $6) * power(2, r.error_count)),
    last_error = $5
WHERE r.run_id = $2 AND r.attempt = $3 AND r.owner_id = $1 AND r.status = 'running'
RETURNING r.run_id, r.status)sql";

// A row (run_id, status) that a reap or a failure returned: the status is 'failed' (dead
// letter) or 'pending' (retried), as their UPDATEs set it.
RunTransition transition_of(const pqxx::row& row) {
    const auto status = row[1].as<std::string>();
    if (status != "failed" && status != "pending") {
        throw common::DatabaseError(
            fmt::format("run {} was released as '{}', not 'pending' or 'failed'",
                        row[0].as<std::int64_t>(),
                        status));
    }
    return RunTransition{row[0].as<std::int64_t>(), status == "failed"};
}

}  // namespace

RunQueue::RunQueue(Database& database, QueueOptions options)
    : database_(database), options_(options) {
    // Planned once per connection instead of at every call: the hot path.
    database_.prepare(kClaimStatement, kClaimSql);
    database_.with_transaction("create the results' staging table", [](pqxx::work& transaction) {
        create_incoming_result(transaction);
    });
    database_.prepare(kCompleteStatement, store_staged_results_sql());
}

std::int64_t RunQueue::register_coordinator(const CoordinatorRegistration& registration) {
    return database_.with_transaction("register the coordinator", [&](pqxx::work& transaction) {
        return transaction
            .exec_params1(
                "INSERT INTO coordinator (slurm_job_id, host, pid, worker_count, software) "
                "VALUES ($1, $2, $3, $4, $5) RETURNING coordinator_id",
                registration.slurm_job_id,
                registration.host,
                registration.pid,
                registration.worker_count,
                registration.software)[0]
            .as<std::int64_t>();
    });
}

std::vector<ClaimedRun> RunQueue::claim(std::int64_t coordinator_id, int count) {
    JOULESWEEP_CHECK(count >= 0, "claim count must not be negative");
    if (count == 0) {
        return {};
    }
    return database_.with_transaction("claim runs", [&](pqxx::work& transaction) {
        // A claim need not wait for its WAL flush. If the server crashes before the flush,
        // the claim is lost and the runs are pending again; the coordinator's results for
        // them are then refused by the fence (the run is not its own), so nothing is
        // stored twice and nothing is lost that a retry does not recover.
        transaction.exec0("SET LOCAL synchronous_commit = off");
        const pqxx::result rows = transaction.exec_prepared(kClaimStatement, coordinator_id, count);
        std::vector<ClaimedRun> claimed;
        claimed.reserve(rows.size());
        for (const auto& row : rows) {
            claimed.push_back(ClaimedRun{row[0].as<std::int64_t>(),
                                         row[1].as<std::int64_t>(),
                                         row[2].as<int>(),
                                         row[3].as<std::int64_t>(),
                                         row[4].as<int>()});
        }
        return claimed;
    });
}

bool RunQueue::heartbeat(std::int64_t coordinator_id) {
    return database_.with_transaction(
        "renew the coordinator's lease", [&](pqxx::work& transaction) {
            return !transaction
                        .exec_params(
                            "UPDATE coordinator SET heartbeat_at = now() WHERE coordinator_id = $1 "
                            "AND state IN ('active', 'draining') RETURNING coordinator_id",
                            coordinator_id)
                        .empty();
        });
}

std::vector<RunTransition> RunQueue::reap_expired() {
    return database_.with_transaction("reap expired coordinators", [&](pqxx::work& transaction) {
        const pqxx::result rows =
            transaction.exec_params(kReapSql,
                                    static_cast<double>(options_.lease.count()),
                                    static_cast<double>(options_.retry_backoff_base.count()));
        std::vector<RunTransition> transitions;
        for (const auto& row : rows) {
            transitions.push_back(transition_of(row));
        }
        return transitions;
    });
}

std::vector<std::int64_t> RunQueue::complete(std::int64_t coordinator_id,
                                             const std::vector<common::RunOutcome>& completions) {
    if (completions.empty()) {
        return {};
    }
    return database_.with_transaction("store completed runs", [&](pqxx::work& transaction) {
        stage_results(transaction, completions);
        const pqxx::result rows = transaction.exec_prepared(kCompleteStatement, coordinator_id);
        std::vector<std::int64_t> accepted;
        accepted.reserve(rows.size());
        for (const auto& row : rows) {
            accepted.push_back(row[0].as<std::int64_t>());
        }
        return accepted;
    });
}

void RunQueue::record_progress(std::int64_t coordinator_id, const std::vector<RunEpoch>& epochs) {
    if (epochs.empty()) {
        return;
    }
    std::vector<std::int64_t> run_ids;
    std::vector<std::int64_t> attempts;
    std::vector<std::int64_t> epoch_numbers;
    for (const RunEpoch& epoch : epochs) {
        run_ids.push_back(epoch.run_id);
        attempts.push_back(epoch.attempt);
        epoch_numbers.push_back(epoch.epoch);
    }
    database_.with_transaction("record run progress", [&](pqxx::work& transaction) {
        // Progress is advisory: losing it in a crash costs nothing.
        transaction.exec0("SET LOCAL synchronous_commit = off");
        transaction.exec_params0(
            "UPDATE run r SET current_epoch = p.epoch "
            "FROM unnest($2::bigint[], $3::integer[], $4::integer[]) AS p(run_id, attempt, epoch) "
            "WHERE r.run_id = p.run_id AND r.attempt = p.attempt AND r.owner_id = $1 "
            "AND r.status = 'running'",
            coordinator_id,
            sql_array(run_ids),
            sql_array(attempts),
            sql_array(epoch_numbers));
    });
}

std::map<std::int64_t, common::ExperimentConfig> RunQueue::experiment_configs(
    const std::vector<std::int64_t>& experiment_ids) {
    return database_.with_transaction(
        "read experiment configurations", [&](pqxx::work& transaction) {
            const pqxx::result rows =
                transaction.exec_params(fmt::format("SELECT experiment_id, {} FROM experiment "
                                                    "WHERE experiment_id = ANY($1::bigint[])",
                                                    common::experiment_field_list()),
                                        sql_array(experiment_ids));
            std::map<std::int64_t, common::ExperimentConfig> configs;
            for (const auto& row : rows) {
                const auto id = row["experiment_id"].as<std::int64_t>();
                try {
                    configs.emplace(id, common::config_from_texts([&row](std::string_view name) {
                                        return std::string_view(row[std::string(name)].c_str());
                                    }));
                } catch (const common::ConfigError& error) {
                    throw common::DatabaseError(fmt::format("experiment {}: {}", id, error.what()));
                }
            }
            for (const std::int64_t id : experiment_ids) {
                if (!configs.contains(id)) {
                    throw common::DatabaseError(fmt::format("experiment {} does not exist", id));
                }
            }
            return configs;
        });
}

std::optional<RunTransition> RunQueue::fail(std::int64_t coordinator_id,
                                            const common::RunFailure& failure) {
    const std::string message = failure.message.substr(0, kMaxErrorLength);
    return database_.with_transaction(
        "record a failed run", [&](pqxx::work& transaction) -> std::optional<RunTransition> {
            const pqxx::result rows =
                transaction.exec_params(kFailSql,
                                        coordinator_id,
                                        failure.run_id,
                                        failure.attempt,
                                        failure.permanent,
                                        message,
                                        static_cast<double>(options_.retry_backoff_base.count()),
                                        static_cast<double>(options_.retry_backoff_max.count()));
            if (rows.empty()) {
                return std::nullopt;
            }
            return transition_of(rows[0]);
        });
}

int RunQueue::release(std::int64_t coordinator_id, const std::vector<std::int64_t>& run_ids) {
    if (run_ids.empty()) {
        return 0;
    }
    return database_.with_transaction("release unstarted runs", [&](pqxx::work& transaction) {
        // attempt stays as it is: it only ever grows, so old claims stay fenced out.
        const pqxx::result rows = transaction.exec_params(
            "UPDATE run SET status = 'pending', owner_id = NULL, current_epoch = NULL "
            "WHERE run_id = ANY($2::bigint[]) AND owner_id = $1 AND status = 'running' RETURNING "
            "run_id",
            coordinator_id,
            sql_array(run_ids));
        return static_cast<int>(rows.size());
    });
}

int RunQueue::release_all(std::int64_t coordinator_id) {
    return database_.with_transaction("release every held run", [&](pqxx::work& transaction) {
        return static_cast<int>(
            transaction
                .exec_params("UPDATE run SET status = 'pending', owner_id = NULL, current_epoch = "
                             "NULL WHERE owner_id = $1 AND status = 'running' RETURNING run_id",
                             coordinator_id)
                .size());
    });
}

void RunQueue::mark_draining(std::int64_t coordinator_id) {
    database_.with_transaction("mark the coordinator draining", [&](pqxx::work& transaction) {
        transaction.exec_params0(
            "UPDATE coordinator SET state = 'draining' WHERE coordinator_id = $1 AND state = "
            "'active'",
            coordinator_id);
    });
}

void RunQueue::mark_exited(std::int64_t coordinator_id) {
    database_.with_transaction("mark the coordinator exited", [&](pqxx::work& transaction) {
        transaction.exec_params0(
            "UPDATE coordinator SET state = 'exited' WHERE coordinator_id = $1 "
            "AND state IN ('active', 'draining')",
            coordinator_id);
    });
}

namespace {

// Failed runs, all of them or those whose last error contains $1.
constexpr const char* kDeadLettersMatching =
    "status = 'failed' AND ($1::text IS NULL OR strpos(last_error, $1) > 0)";

}  // namespace

int RunQueue::redrive(const std::optional<std::string>& error_substring) {
    return database_.with_transaction("redrive failed runs", [&](pqxx::work& transaction) {
        const pqxx::result rows = transaction.exec_params(
            fmt::format("UPDATE run SET status = 'pending', error_count = 0, lost_count = 0, "
                        "not_before = now(), finished_at = NULL WHERE {} RETURNING run_id",
                        kDeadLettersMatching),
            error_substring);
        return static_cast<int>(rows.size());
    });
}

int RunQueue::count_dead_letters(const std::optional<std::string>& error_substring) {
    return database_.with_transaction("count failed runs", [&](pqxx::work& transaction) {
        return transaction
            .exec_params1(fmt::format("SELECT count(*) FROM run WHERE {}", kDeadLettersMatching),
                          error_substring)[0]
            .as<int>();
    });
}

}  // namespace joulesweep::coordinator
