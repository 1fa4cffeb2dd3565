#pragma once
// The queue as `joulesweep status` shows it: a few small tables read from the views of
// migration 0003 (progress, queue_summary, coordinators, runs_in_flight, failures,
// throughput). Values arrive as display text; the caller only lays them out.

#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "joulesweep/coordinator/db/database.hpp"

namespace joulesweep::coordinator {

struct ReportTable {
    std::string title;
    std::string empty_text;  // what to say instead of an empty table
    std::vector<std::string> columns;
    std::vector<bool> numeric;                   // per column: right-align it
    std::vector<std::vector<std::string>> rows;  // SQL NULL shows as "-"
    bool truncated = false;                      // more rows exist than the row limit let through
};

struct QueueReportOptions {
    int row_limit = 20;  // for the long tables (queue by dataset, runs in flight, failures)
};

// A query's rows as a table: SQL NULL as "-", numeric columns right-aligned, at most
// `row_limit` rows (then `truncated`).
ReportTable table_from_rows(const pqxx::result& rows,
                            std::string title,
                            std::string empty_text,
                            std::optional<int> row_limit = std::nullopt);

// One read-only transaction, so every table describes the same instant.
std::vector<ReportTable> read_queue_report(Database& database, const QueueReportOptions& options);

// The experiment_results view (migration 0005) as one table, best test loss first, at
// most `row_limit` experiments.
ReportTable read_results_table(Database& database, int row_limit);

}  // namespace joulesweep::coordinator
