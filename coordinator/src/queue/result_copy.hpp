#pragma once
// How RunQueue::complete stores a batch of results: COPY into a session-local table typed
// like `result` (incoming_result), then one statement marks the fenced winners done and
// moves only their rows into `result`. Each value reaches a typed column; libpqxx 6.4
// converts no arrays, so a per-epoch series crosses COPY as its array literal, written
// by sql_array() (db/sql_array.hpp) and checked by PostgreSQL against the column's type.

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "joulesweep/common/protocol.hpp"

namespace joulesweep::coordinator {

// Creates incoming_result for this session (rows vanish at each commit).
void create_incoming_result(pqxx::work& transaction);

// COPYs the outcomes into incoming_result. Throws InternalError for a result whose
// series do not have one value per epoch.
void stage_results(pqxx::work& transaction, const std::vector<common::RunOutcome>& outcomes);

// $1 the coordinator. Marks the staged runs that are still ours under their attempt done,
// inserts their results, and returns the run ids stored now and those this coordinator
// stored earlier under the same attempt (a completion repeated after a lost COMMIT).
const std::string& store_staged_results_sql();

}  // namespace joulesweep::coordinator
