#include "joulesweep/coordinator/run_queue.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/sql_array.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr std::size_t kMaxErrorLength = 4000;

// The claim takes its rows in a MATERIALIZED CTE: a plain IN (SELECT ... LIMIT ... SKIP
// LOCKED) may be re-run per outer row by the planner and claim more than asked.
constexpr const char* kClaimSql = R"sql(
WITH picked AS MATERIALIZED (
    SELECT run_id FROM run
    WHERE status = 'pending' AND not_before <= now()
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
    last_error = 'lease expired: coordinator ' || r.owner_id || ' stopped sending heartbeats'
FROM dead
WHERE r.owner_id = dead.coordinator_id AND r.status = 'running'
RETURNING r.run_id, r.status)sql";

constexpr const char* kStageTableSql = R"sql(
CREATE TEMP TABLE IF NOT EXISTS staged_result (LIKE result INCLUDING DEFAULTS)
ON COMMIT DELETE ROWS)sql";

// Marks the fenced winners done and stores only their staged results.
constexpr const char* kCompleteSql = R"sql(
WITH won AS (
    UPDATE run r
    SET status = 'done', finished_at = now(), owner_id = NULL
    FROM (SELECT DISTINCT run_id, attempt FROM staged_result) AS c
    WHERE r.run_id = c.run_id AND r.attempt = c.attempt AND r.owner_id = $1 AND r.status = 'running'
    RETURNING r.run_id
)
INSERT INTO result
SELECT s.* FROM staged_result s JOIN won USING (run_id)
ON CONFLICT (run_id) DO NOTHING
RETURNING run_id)sql";

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

// Fields per staged result row: 11 provenance and shape fields, then the statistics.
constexpr std::size_t kStagedFieldCount = 11 + common::kStatisticCount;
using StagedRow = std::vector<std::optional<std::string>>;

// libpqxx 6.4 streams tuples only, so a row of strings becomes a tuple of the same size.
template <std::size_t... Index>
auto as_tuple(const StagedRow& row, std::index_sequence<Index...> /*indices*/) {
    return std::make_tuple(row[Index]...);
}

std::vector<std::string> staged_columns() {
    std::vector<std::string> columns{"run_id",
                                     "attempt",
                                     "coordinator_id",
                                     "seed",
                                     "host",
                                     "slurm_job_id",
                                     "software",
                                     "widths",
                                     "parameter_count",
                                     "diverged",
                                     "epoch_wall_s"};
    for (const auto name : common::kStatisticNames) {
        columns.emplace_back(name);
    }
    return columns;
}

std::vector<std::optional<std::string>> staged_row(std::int64_t coordinator_id,
                                                   const RunCompletion& completion) {
    const common::RunResult& result = completion.result;
    const std::size_t epochs = result.epoch_wall_s.size();
    std::vector<std::optional<std::string>> row{std::to_string(completion.run_id),
                                                std::to_string(completion.attempt),
                                                std::to_string(coordinator_id),
                                                std::to_string(result.seed),
                                                result.host,
                                                result.slurm_job_id,
                                                result.software_json,
                                                sql_array(result.widths),
                                                std::to_string(result.parameter_count),
                                                result.diverged ? "true" : "false",
                                                sql_array(result.epoch_wall_s)};
    for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
        const auto& series = result.statistics.at(index);
        if (series.size() != epochs) {
            throw common::InternalError(fmt::format("run {}: {} has {} values for {} epochs",
                                                    completion.run_id,
                                                    common::kStatisticNames.at(index),
                                                    series.size(),
                                                    epochs));
        }
        row.emplace_back(sql_array(series));
    }
    return row;
}

}  // namespace

RunQueue::RunQueue(Database& database, QueueOptions options)
    : database_(database), options_(options) {}

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
        const pqxx::result rows = transaction.exec_params(kClaimSql, coordinator_id, count);
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
            transitions.push_back(
                RunTransition{row[0].as<std::int64_t>(), row[1].as<std::string>()});
        }
        return transitions;
    });
}

std::vector<std::int64_t> RunQueue::complete(std::int64_t coordinator_id,
                                             const std::vector<RunCompletion>& completions) {
    if (completions.empty()) {
        return {};
    }
    std::vector<std::vector<std::optional<std::string>>> rows;
    rows.reserve(completions.size());
    for (const RunCompletion& completion : completions) {
        rows.push_back(staged_row(coordinator_id, completion));
    }
    return database_.with_transaction("store completed runs", [&](pqxx::work& transaction) {
        transaction.exec0("SET LOCAL client_min_messages = warning");  // quiet "already exists"
        transaction.exec0(kStageTableSql);
        pqxx::stream_to stream(transaction, "staged_result", staged_columns());
        for (const auto& row : rows) {
            JOULESWEEP_CHECK(row.size() == kStagedFieldCount, "staged row has the wrong width");
            stream << as_tuple(row, std::make_index_sequence<kStagedFieldCount>{});
        }
        stream.complete();
        std::vector<std::int64_t> accepted;
        for (const auto& row : transaction.exec_params(kCompleteSql, coordinator_id)) {
            accepted.push_back(row[0].as<std::int64_t>());
        }
        return accepted;
    });
}

std::optional<RunTransition> RunQueue::fail(std::int64_t coordinator_id,
                                            const RunFailure& failure) {
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
            return RunTransition{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>()};
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
