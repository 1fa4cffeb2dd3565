// RunQueue's side of search runs (docs/train-for-less.md, "Searches in the queue"): each
// finished attempt is one fenced row of search_attempt; the final one commits with the
// run's 'done'. A search claimed again resumes after its last stored attempt.

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/coordinator/db/sql_array.hpp"
#include "joulesweep/coordinator/queue/energy_record.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr const char* kResumeSql = R"sql(
SELECT r.run_id,
       (SELECT count(*) FROM search_attempt a WHERE a.run_id = r.run_id),
       (SELECT min(a.flops) FROM search_attempt a JOIN run d ON d.run_id = a.run_id
        WHERE d.experiment_id = r.experiment_id AND a.outcome = 'reached'
          AND d.run_id <> r.run_id)
FROM run r
WHERE r.run_id = ANY($1::bigint[]))sql";

// Locks the run when this coordinator holds it under the claim.
constexpr const char* kFenceSql = R"sql(
SELECT 1 FROM run
WHERE run_id = $1 AND owner_id = $2 AND attempt = $3 AND status = 'running'
FOR UPDATE)sql";

constexpr const char* kStoredBeforeSql = R"sql(
SELECT 1 FROM search_attempt
WHERE run_id = $1 AND attempt_number = $2 AND coordinator_id = $3 AND claim = $4)sql";

constexpr const char* kFinishSql = R"sql(
UPDATE run SET status = 'done', finished_at = now(), owner_id = NULL, current_epoch = NULL
WHERE run_id = $1)sql";

// A double as SQL: NULL for NaN (unmeasured), PostgreSQL's spelling of infinity.
std::string sql_number(double value) {
    if (std::isnan(value)) {
        return "NULL";
    }
    if (std::isinf(value)) {
        return value > 0 ? "'Infinity'" : "'-Infinity'";
    }
    return fmt::format("{}", value);
}

std::string insert_sql(pqxx::work& transaction,
                       std::int64_t coordinator_id,
                       const common::SearchAttemptReport& report) {
    const common::AttemptRecord& record = report.record;
    const common::RunResult& result = report.result;
    std::string columns =
        "run_id, attempt_number, claim, coordinator_id, size, parameter_count, widths, seed, "
        "outcome, epochs, best_loss, net_j, gross_j, flops, host, backend, threads, "
        "flops_per_epoch, epoch_wall_s";
    std::vector<std::string> values{
        fmt::format("{}", report.run_id),
        fmt::format("{}", record.attempt),
        fmt::format("{}", report.attempt),
        fmt::format("{}", coordinator_id),
        fmt::format("{}", record.size),
        fmt::format("{}", result.parameter_count),
        transaction.quote(sql_array(result.widths)),
        fmt::format("{}", result.seed),
        transaction.quote(std::string(common::kAttemptOutcomeNames.name(record.outcome))),
        fmt::format("{}", record.epochs),
        sql_number(record.best_loss),
        sql_number(record.net_j),
        sql_number(record.gross_j),
        sql_number(record.flops),
        transaction.quote(result.host),
        transaction.quote(std::string(common::kBackendNames.name(result.backend))),
        fmt::format("{}", result.threads),
        sql_number(result.flops_per_epoch),
        transaction.quote(sql_array(result.epoch_wall_s)),
    };
    if (result.energy) {
        const EnergyRecord energy = energy_record(*result.energy, result.epoch_wall_s.size());
        columns += ", energy_source, node_type, energy_net_j, energy_gross_j";
        values.push_back(transaction.quote(result.energy->source));
        values.push_back(transaction.quote(result.energy->node_type));
        values.push_back(transaction.quote(sql_array(energy.net_j)));
        values.push_back(transaction.quote(sql_array(energy.gross_j)));
    }
    for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
        columns += fmt::format(", {}", common::kStatisticNames.at(index));
        values.push_back(transaction.quote(sql_array(result.statistics.at(index))));
    }
    std::string listed;
    for (const std::string& value : values) {
        listed += listed.empty() ? "" : ", ";
        listed += value;
    }
    return fmt::format(
        "INSERT INTO search_attempt ({}) VALUES ({}) "
        "ON CONFLICT (run_id, attempt_number) DO NOTHING",
        columns,
        listed);
}

}  // namespace

std::map<std::int64_t, SearchResume> RunQueue::search_resume(
    const std::vector<std::int64_t>& run_ids) {
    std::map<std::int64_t, SearchResume> resume;
    if (run_ids.empty()) {
        return resume;
    }
    return database_.with_transaction("read where searches resume", [&](pqxx::work& transaction) {
        for (const auto& row : transaction.exec_params(kResumeSql, sql_array(run_ids))) {
            SearchResume& at = resume[row[0].as<std::int64_t>()];
            at.attempts_done = row[1].as<int>();
            at.reference_operations =
                row[2].is_null() ? std::numeric_limits<double>::quiet_NaN() : row[2].as<double>();
        }
        return resume;
    });
}

bool RunQueue::store_attempt(std::int64_t coordinator_id,
                             const common::SearchAttemptReport& report) {
    return database_.with_transaction("store a search attempt", [&](pqxx::work& transaction) {
        if (transaction.exec_params(kFenceSql, report.run_id, coordinator_id, report.attempt)
                .empty()) {
            return !transaction
                        .exec_params(kStoredBeforeSql,
                                     report.run_id,
                                     report.record.attempt,
                                     coordinator_id,
                                     report.attempt)
                        .empty();
        }
        transaction.exec0(insert_sql(transaction, coordinator_id, report));
        if (report.final) {
            transaction.exec_params0(kFinishSql, report.run_id);
        }
        return true;
    });
}

}  // namespace joulesweep::coordinator
