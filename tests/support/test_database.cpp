#include "test_database.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include "joulesweep/coordinator/migrations.hpp"

namespace joulesweep::testing {
namespace {

// Numbers the databases one test process creates, so their names never collide.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): a counter, by design
std::atomic<int> next_database_number{0};

std::string server_conninfo() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): checked in main before tests run
    const char* url = std::getenv("JOULESWEEP_TEST_DATABASE_URL");
    return coordinator::parse_connection_target(url == nullptr ? "" : url,
                                                "JOULESWEEP_TEST_DATABASE_URL")
        .conninfo;
}

}  // namespace

TestDatabase::TestDatabase()
    : server_conninfo_(server_conninfo()),
      name_(fmt::format("joulesweep_test_{}_{}", getpid(), next_database_number++)) {
    pqxx::connection connection(server_conninfo_);
    pqxx::nontransaction transaction(connection);
    transaction.exec0(fmt::format("DROP DATABASE IF EXISTS {}", name_));
    transaction.exec0(fmt::format("CREATE DATABASE {} TEMPLATE template0", name_));
    target_ = coordinator::parse_connection_target(
        fmt::format("{} dbname={}", server_conninfo_, name_), "test database");
}

TestDatabase::~TestDatabase() {
    try {
        pqxx::connection connection(server_conninfo_);
        pqxx::nontransaction transaction(connection);
        transaction.exec0(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
    } catch (const std::exception&) {
        // A leftover test database is harmless; a throwing destructor is not.
    }
}

void migrate_fully(coordinator::Database& database) {
    coordinator::MigrationRunner(database, coordinator::known_migrations(), "joulesweep test")
        .migrate();
}

}  // namespace joulesweep::testing
