#include "joulesweep/coordinator/reports/queue_report.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

namespace joulesweep::coordinator {
namespace {

struct Section {
    const char* title;
    const char* empty_text;
    const char* sql;  // may end in a LIMIT placeholder {limit}
    bool limited;
};

// Column names are what the reader sees; the views keep their longer SQL names.
constexpr std::array kSections{
    Section{"Progress by sweep",
            "no runs queued yet: add a sweep with `joulesweep enqueue`",
            R"(SELECT label AS sweep, total, done, failed, failed_attempts AS "failed attempts",
                      running, pending, percent_finished AS "done %",
                      runs_per_minute AS "runs/min", eta
               FROM progress ORDER BY label)",
            false},
    Section{"Queue by sweep and dataset",
            "no runs queued yet",
            R"(SELECT label AS sweep, dataset, pending, backing_off AS "backing off", running,
                      done, failed
               FROM queue_summary ORDER BY label, dataset LIMIT {limit})",
            true},
    Section{"Coordinators (live, or seen in the last hour)",
            "none: start workers with `joulesweep run` (under mpirun or srun)",
            R"(SELECT coordinator_id AS id, slurm_job_id AS "slurm job", host, pid, state,
                      worker_count AS workers, lease_age_s AS "lease age s", running, completed
               FROM coordinators
               WHERE state IN ('active', 'draining') OR heartbeat_at > now() - interval '1 hour'
               ORDER BY coordinator_id)",
            false},
    Section{"Runs in flight",
            "none",
            R"(SELECT run_id AS run, dataset, shape, depth, size,
                      coalesce(current_epoch, 0) || '/' || epochs AS epoch,
                      coordinator_id AS coordinator, host, running_for AS "running for"
               FROM runs_in_flight ORDER BY claimed_at, run_id LIMIT {limit})",
            true},
    Section{"Failures (dead letters, and errors that will be retried)",
            "none",
            R"(SELECT dead_letters AS "dead letters", retrying, example_run_id AS "e.g. run",
                      CASE WHEN length(error) > 100 THEN left(error, 99) || '…' ELSE error END
                        AS error
               FROM failures ORDER BY dead_letters + retrying DESC, error LIMIT {limit})",
            true},
    Section{"Throughput (runs done)",
            "none",
            R"(SELECT coalesce(sum(runs_done) FILTER (
                          WHERE minute = date_trunc('minute', now())), 0) AS "this minute",
                      coalesce(sum(runs_done) FILTER (
                          WHERE minute > now() - interval '10 minutes'), 0) AS "last 10 min",
                      sum(runs_done) AS "last hour"
               FROM throughput)",
            false},
};

bool is_numeric_type(pqxx::oid type) {
    // int2, int4, int8, float4, float8, numeric: pg_type's fixed OIDs.
    constexpr std::array<pqxx::oid, 6> kNumericTypes{21, 23, 20, 700, 701, 1700};
    return std::ranges::find(kNumericTypes, type) != kNumericTypes.end();
}

ReportTable read_section(pqxx::transaction_base& transaction,
                         const Section& section,
                         int row_limit) {
    const std::string sql =
        section.limited ? fmt::format(fmt::runtime(section.sql), fmt::arg("limit", row_limit + 1))
                        : std::string(section.sql);
    return table_from_rows(transaction.exec(sql),
                           section.title,
                           section.empty_text,
                           section.limited ? std::optional<int>(row_limit) : std::nullopt);
}

}  // namespace

ReportTable table_from_rows(const pqxx::result& rows,
                            std::string title,
                            std::string empty_text,
                            std::optional<int> row_limit) {
    ReportTable table;
    table.title = std::move(title);
    table.empty_text = std::move(empty_text);
    for (pqxx::row::size_type column = 0; column < rows.columns(); ++column) {
        table.columns.emplace_back(rows.column_name(column));
        table.numeric.push_back(is_numeric_type(rows.column_type(column)));
    }
    for (const pqxx::row& row : rows) {
        if (row_limit && std::ssize(table.rows) == *row_limit) {
            table.truncated = true;
            break;
        }
        std::vector<std::string>& cells = table.rows.emplace_back();
        cells.reserve(row.size());
        for (const pqxx::field& field : row) {
            cells.emplace_back(field.is_null() ? "-" : field.c_str());
        }
    }
    return table;
}

std::vector<ReportTable> read_queue_report(Database& database, const QueueReportOptions& options) {
    std::vector<ReportTable> tables;
    database.with_transaction("read the queue report", [&](pqxx::work& transaction) {
        transaction.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        // Compiling these one-off scans costs more than running them (1.6 s of JIT for a
        // 0.3 s scan of 650k runs).
        transaction.exec0("SET LOCAL jit = off");
        tables.reserve(kSections.size());
        for (const Section& section : kSections) {
            tables.push_back(read_section(transaction, section, options.row_limit));
        }
    });
    return tables;
}

ReportTable read_results_table(Database& database, int row_limit) {
    static constexpr Section kResults{
        "Results by experiment (best test loss first)",
        "no results yet: train queued runs with `joulesweep run` under mpirun or srun",
        R"(SELECT experiment_id AS experiment, dataset, shape, depth, size, optimizer,
                  learning_rate AS lr, batch_size AS batch, epochs, runs_done AS runs,
                  round(best_test_loss::numeric, 5) AS "best test loss",
                  round(mean_final_test_loss::numeric, 5) AS "mean final test loss",
                  round(train_s::numeric, 1) AS "train s", diverged,
                  round(g.mean_gross_j::numeric, 2) AS "mean J", g.sources AS "J from"
           FROM experiment_results
           LEFT JOIN experiment_energy g USING (experiment_id, dataset)
           ORDER BY best_test_loss NULLS LAST, experiment_id LIMIT {limit})",
        true};
    return database.with_transaction("read the results", [&](pqxx::work& transaction) {
        transaction.exec0("SET TRANSACTION READ ONLY");
        transaction.exec0("SET LOCAL jit = off");
        return read_section(transaction, kResults, row_limit);
    });
}

}  // namespace joulesweep::coordinator
