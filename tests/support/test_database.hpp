#pragma once
// A fresh, empty PostgreSQL database per test on the server named by
// JOULESWEEP_TEST_DATABASE_URL, dropped again when the object goes away.

#include <string>

#include <pqxx/pqxx>

#include "joulesweep/coordinator/db/connection_target.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/db/scratch_database.hpp"

namespace joulesweep::testing {

class TestDatabase {
public:
    TestDatabase();

    // Where the fresh database is (the server's URL with dbname replaced).
    const coordinator::ConnectionTarget& target() const noexcept { return scratch_.target(); }

    const std::string& name() const noexcept { return scratch_.name(); }

private:
    coordinator::ScratchDatabase scratch_;
};

// Applies every migration this build knows.
void migrate_fully(coordinator::Database& database);

// The single value `sql` returns (exactly one row, first column).
template <typename Value>
Value query_value(coordinator::Database& database, const std::string& sql) {
    return database.with_transaction(
        "query", [&](pqxx::work& transaction) { return transaction.exec1(sql)[0].as<Value>(); });
}

}  // namespace joulesweep::testing
