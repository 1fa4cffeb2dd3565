#include "joulesweep/coordinator/enqueuer.hpp"

#include <cstdint>
#include <string>
#include <tuple>

#include <pqxx/pqxx>

#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/sql_array.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr const char* kStageSql = R"sql(
CREATE TEMP TABLE IF NOT EXISTS staged_experiment (
    experiment_key text, dataset text, shape text, depth integer, size bigint,
    learning_rate double precision, batch_size integer, optimizer text, momentum double precision,
    l1 double precision, l2 double precision, label_noise double precision, epochs integer,
    test_fraction double precision, validation_fraction double precision, backend text,
    config jsonb, labels text[], repetitions integer, priority integer
) ON COMMIT DELETE ROWS)sql";

constexpr const char* kInsertExperimentsSql = R"sql(
INSERT INTO experiment (experiment_key, dataset, shape, depth, size, learning_rate, batch_size,
    optimizer, momentum, l1, l2, label_noise, epochs, test_fraction, validation_fraction, backend, config)
SELECT experiment_key, dataset, shape, depth, size, learning_rate, batch_size, optimizer, momentum,
    l1, l2, label_noise, epochs, test_fraction, validation_fraction, backend, config
FROM staged_experiment
ON CONFLICT (experiment_key) DO NOTHING)sql";

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
                const common::ExperimentConfig& config = planned.config;
                stream << std::make_tuple(planned.key,
                                          config.dataset,
                                          std::string(common::to_text(config.shape)),
                                          config.depth,
                                          config.size,
                                          config.learning_rate,
                                          config.batch_size,
                                          config.optimizer,
                                          config.momentum,
                                          config.l1,
                                          config.l2,
                                          config.label_noise,
                                          config.epochs,
                                          config.test_fraction,
                                          config.validation_fraction,
                                          config.backend,
                                          common::to_json(config),
                                          sql_array(planned.labels),
                                          planned.repetitions,
                                          planned.priority);
            }
            stream.complete();
        }
        EnqueueReport report;
        report.experiments_added =
            static_cast<std::int64_t>(transaction.exec(kInsertExperimentsSql).affected_rows());
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
