#include "test_database.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include "joulesweep/coordinator/db/migrations.hpp"

namespace joulesweep::testing {
namespace {

// Numbers the databases one test process creates, so their names never collide.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): a counter, by design
std::atomic<int> next_database_number{0};

coordinator::ConnectionTarget test_server() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): checked in main before tests run
    const char* url = std::getenv("JOULESWEEP_TEST_DATABASE_URL");
    return coordinator::parse_connection_target(url == nullptr ? "" : url,
                                                "JOULESWEEP_TEST_DATABASE_URL");
}

}  // namespace

TestDatabase::TestDatabase()
    : scratch_(test_server(),
               fmt::format("joulesweep_test_{}_{}", getpid(), next_database_number++)) {}

void migrate_fully(coordinator::Database& database) {
    coordinator::MigrationRunner(database, coordinator::known_migrations(), "joulesweep test")
        .migrate();
}

}  // namespace joulesweep::testing
