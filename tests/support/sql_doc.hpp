#pragma once
// The SQL examples of docs/sql.md, for the tests that run them on stored data (the
// file's path is JOULESWEEP_SQL_DOC, set by tests/CMakeLists.txt).

#include <string>
#include <vector>

namespace joulesweep::testing {

// The ```sql blocks of docs/sql.md's section "## heading", in order.
std::vector<std::string> sql_examples(const std::string& heading);

}  // namespace joulesweep::testing
