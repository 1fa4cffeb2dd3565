#pragma once
// What the queued searches found (`joulesweep search --results`): the search_summary
// view of migration 0017 as one table, per search experiment.

#include <string>

#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/reports/queue_report.hpp"

namespace joulesweep::coordinator {

// Every search experiment, or those of `dataset` when it is not empty, by dataset,
// shape, depth, target and failure rule.
ReportTable read_search_results(Database& database, const std::string& dataset);

}  // namespace joulesweep::coordinator
