#include "joulesweep/coordinator/db/database.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"

#include "test_database.hpp"

namespace joulesweep::coordinator {

TEST_CASE("Database: connects and reads the server version", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    CHECK(database.server_version().rfind("PostgreSQL ", 0) == 0);
}

TEST_CASE("Database: an SQL error becomes a DatabaseError with step and SQLSTATE",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    try {
        database.with_transaction("read the queue", [](pqxx::work& transaction) {
            transaction.exec("SELECT * FROM no_such_table");
        });
        FAIL("the query did not throw");
    } catch (const common::DatabaseError& error) {
        const std::string message = error.what();
        CHECK(message.rfind("read the queue: ", 0) == 0);
        CHECK(message.find("SQLSTATE 42P01") != std::string::npos);
        CHECK(error.sqlstate() == "42P01");
        CHECK_FALSE(error.retryable());
    }
}

TEST_CASE("Database: a refused privilege keeps its SQLSTATE", "[coordinator][db]") {
    // libpqxx 6.4 throws insufficient_privilege without the code; Database restores it.
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    try {
        database.with_transaction("write as nobody", [](pqxx::work& transaction) {
            transaction.exec0("CREATE TABLE guarded (x int)");
            transaction.exec0("SET LOCAL ROLE pg_read_all_data");
            transaction.exec0("INSERT INTO guarded VALUES (1)");
        });
        FAIL("the insert did not throw");
    } catch (const common::DatabaseError& error) {
        CHECK(error.sqlstate() == "42501");
        CHECK(std::string(error.what()).find("SQLSTATE 42501") != std::string::npos);
    }
}

TEST_CASE("Database: a failed transaction leaves nothing behind", "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    database.with_transaction(
        "create", [](pqxx::work& transaction) { transaction.exec0("CREATE TABLE t (x int)"); });
    CHECK_THROWS_AS(database.with_transaction("insert then fail",
                                              [](pqxx::work& transaction) {
                                                  transaction.exec0("INSERT INTO t VALUES (1)");
                                                  transaction.exec0("SELECT 1/0");
                                              }),
                    common::DatabaseError);
    const int rows = database.with_transaction("count", [](pqxx::work& transaction) {
        return transaction.exec1("SELECT count(*) FROM t")[0].as<int>();
    });
    CHECK(rows == 0);
}

TEST_CASE("Database: an unreachable server is a retryable error within seconds",
          "[coordinator][db]") {
    const auto started = std::chrono::steady_clock::now();
    try {
        Database database(parse_connection_target(
            "host=127.0.0.1 port=1 dbname=x user=y password=secret", "--db"));
        FAIL("connecting to a closed port did not throw");
    } catch (const common::DatabaseError& error) {
        const std::string message = error.what();
        CHECK(message.find(
                  "cannot connect to PostgreSQL (host=127.0.0.1 port=1 dbname=x user=y)") == 0);
        CHECK(message.find("secret") == std::string::npos);
        CHECK(error.retryable());
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

}  // namespace joulesweep::coordinator
