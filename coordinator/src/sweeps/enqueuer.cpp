#include "joulesweep/coordinator/sweeps/enqueuer.hpp"

#include <cstdint>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/coordinator/db/sql_array.hpp"

namespace joulesweep::coordinator {
namespace {

// The configuration travels as its JSON; PostgreSQL fills the experiment's typed columns
// from it (jsonb_populate_record matches keys to column names), so this file names no
// experiment field. A field the JSON leaves out (a run's search-only fields) takes its
// default from $1, every field of a default configuration.
constexpr const char* kStageSql = R"sql(
CREATE TEMP TABLE IF NOT EXISTS staged_experiment (
    experiment_key text, config jsonb, labels text[], repetitions integer, priority integer
) ON COMMIT DELETE ROWS)sql";

std::string insert_experiments_sql() {
    return fmt::format(
        "INSERT INTO experiment (experiment_key, {}, config) "
        "SELECT s.experiment_key, {}, s.config "
        "FROM staged_experiment s, "
        "jsonb_populate_record(NULL::experiment, $1::jsonb || s.config) r "
        "ON CONFLICT (experiment_key) DO NOTHING",
        common::experiment_field_list(),
        common::experiment_field_list("r."));
}

constexpr const char* kInsertLabelsSql = R"sql(
INSERT INTO experiment_label (experiment_id, label)
SELECT DISTINCT e.experiment_id, l.label
FROM staged_experiment s
JOIN experiment e USING (experiment_key)
CROSS JOIN LATERAL unnest(s.labels) AS l(label)
ON CONFLICT DO NOTHING)sql";

// The seed of a run: the first 60 bits of md5(key || '#' || repetition), as a bigint.
constexpr const char* kInsertRunsSql = R"sql(
INSERT INTO run (experiment_id, repetition, seed, priority)
SELECT e.experiment_id, r.repetition,
       ('x' || substr(md5(s.experiment_key || '#' || r.repetition), 1, 15))::bit(60)::bigint,
       s.priority
FROM staged_experiment s
JOIN experiment e USING (experiment_key)
CROSS JOIN LATERAL generate_series(0, s.repetitions - 1) AS r(repetition)
ON CONFLICT (experiment_id, repetition) DO NOTHING)sql";

}  // namespace

EnqueueReport enqueue_plan(Database& database, const SweepPlan& plan) {
    return database.with_transaction("enqueue the sweep", [&](pqxx::work& transaction) {
        transaction.exec0("SET LOCAL client_min_messages = warning");  // quiet "already exists"
        transaction.exec0(kStageSql);
        {
            pqxx::stream_to stream(transaction, "staged_experiment");
            for (const PlannedExperiment& planned : plan.experiments) {
                stream << std::make_tuple(planned.key,
                                          common::to_json(planned.config),
                                          sql_array(planned.labels),
                                          planned.repetitions,
                                          planned.priority);
            }
            stream.complete();
        }
        EnqueueReport report;
        report.experiments_added =
            static_cast<std::int64_t>(transaction
                                          .exec_params(insert_experiments_sql(),
                                                       common::to_json(common::ExperimentConfig{},
                                                                       common::JsonFields::kEvery))
                                          .affected_rows());
        report.experiments_existing =
            static_cast<std::int64_t>(plan.experiments.size()) - report.experiments_added;
        transaction.exec(kInsertLabelsSql);
        report.runs_added =
            static_cast<std::int64_t>(transaction.exec(kInsertRunsSql).affected_rows());
        if (report.runs_added > 0) {
            // Fresh statistics now, not when autovacuum gets round to it: the claim and the
            // status views are planned from them.
            transaction.exec0("ANALYZE experiment, experiment_label, run");
        }
        return report;
    });
}

}  // namespace joulesweep::coordinator
