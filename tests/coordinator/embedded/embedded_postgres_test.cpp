#include "joulesweep/coordinator/embedded/embedded_postgres.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/embedded/local_port.hpp"

#include "temporary_directory.hpp"

namespace joulesweep::coordinator {
namespace {

EmbeddedPostgresOptions options_in(const std::filesystem::path& home) {
    EmbeddedPostgresOptions options;
    options.home_dir = home;
    return options;
}

}  // namespace

TEST_CASE("EmbeddedPostgres: keeps its data across stop and start", "[coordinator][embedded][db]") {
    const testing::TemporaryDirectory directory;
    EmbeddedPostgres cluster(options_in(directory.path() / "home"));
    CHECK_FALSE(cluster.status().initialized);
    CHECK_FALSE(cluster.stop());  // nothing to stop yet

    {
        Database database(cluster.start());
        database.with_transaction("store", [](pqxx::work& transaction) {
            transaction.exec0("CREATE TABLE kept (value text)");
            transaction.exec0("INSERT INTO kept VALUES ('survives a restart')");
        });
    }
    const EmbeddedStatus running = cluster.status();
    CHECK(running.initialized);
    CHECK(running.running);
    REQUIRE(running.pid);
    REQUIRE(running.port);

    CHECK(cluster.stop());
    CHECK_FALSE(cluster.status().running);
    CHECK_FALSE(cluster.stop());

    Database database(cluster.start());
    const std::string value = database.with_transaction("read", [](pqxx::work& transaction) {
        return transaction.exec1("SELECT value FROM kept")[0].as<std::string>();
    });
    CHECK(value == "survives a restart");
    CHECK(cluster.stop());
}

TEST_CASE("EmbeddedPostgres: start is idempotent and concurrent starts make one server",
          "[coordinator][embedded][db]") {
    const testing::TemporaryDirectory directory;
    const auto home = directory.path() / "home";
    std::vector<std::string> errors(3);
    std::vector<std::thread> starters;
    starters.reserve(errors.size());
    for (std::string& error_text : errors) {
        starters.emplace_back([&home, &error_text] {
            try {
                EmbeddedPostgres(options_in(home)).start();
            } catch (const std::exception& error) {
                error_text = error.what();
            }
        });
    }
    for (auto& starter : starters) {
        starter.join();
    }
    for (const auto& error : errors) {
        CHECK(error.empty());
    }
    EmbeddedPostgres cluster(options_in(home));
    const EmbeddedStatus first = cluster.status();
    REQUIRE(first.running);
    cluster.start();
    CHECK(cluster.status().pid == first.pid);  // the running server was reused
    Database database(cluster.socket_target());
    CHECK(database.server_version().rfind("PostgreSQL ", 0) == 0);
    CHECK(cluster.stop());
}

TEST_CASE("EmbeddedPostgres: moves to another port when its port was taken",
          "[coordinator][embedded][db]") {
    const testing::TemporaryDirectory directory;
    const auto home = directory.path() / "home";
    EmbeddedPostgres cluster(options_in(home));
    cluster.start();
    const int first_port = cluster.status().port.value_or(0);
    REQUIRE(cluster.stop());

    // Another cluster now holds the first one's port.
    EmbeddedPostgresOptions squatter_options = options_in(directory.path() / "squatter");
    EmbeddedPostgres squatter(squatter_options);
    squatter.start();
    // Force the squatter onto first_port if it chose another one.
    if (squatter.status().port != first_port) {
        squatter.stop();
        std::ofstream(directory.path() / "squatter" / "postgres.port") << first_port << '\n';
        squatter.start();
    }
    REQUIRE(squatter.status().port == first_port);
    REQUIRE_FALSE(is_local_port_free(first_port));

    Database database(cluster.start());
    CHECK(cluster.status().port != first_port);
    CHECK(database.server_version().rfind("PostgreSQL ", 0) == 0);
    CHECK(cluster.stop());
    CHECK(squatter.stop());
}

TEST_CASE("EmbeddedPostgres: the TCP form needs the password file and works with it",
          "[coordinator][embedded][db]") {
    const testing::TemporaryDirectory directory;
    EmbeddedPostgres cluster(options_in(directory.path() / "home"));
    cluster.start();
    const auto tcp = cluster.tcp_target();
    CHECK(tcp.conninfo.find("passfile=") != std::string::npos);
    CHECK(tcp.description.find("pgpass") == std::string::npos);
    Database database(tcp);
    CHECK(database.server_version().rfind("PostgreSQL ", 0) == 0);
    const auto without_password = parse_connection_target(
        fmt::format("host=127.0.0.1 port={} user=joulesweep dbname=joulesweep passfile=/dev/null",
                    cluster.status().port.value_or(0)),
        "test");
    CHECK_THROWS_AS(Database(without_password), common::DatabaseError);
    const auto pgpass = std::filesystem::status(directory.path() / "home" / "pgpass").permissions();
    CHECK((pgpass & std::filesystem::perms::others_all) == std::filesystem::perms::none);
    CHECK(cluster.stop());
}

TEST_CASE("EmbeddedPostgres: an unknown server user is a clear ConfigError",
          "[coordinator][embedded][db]") {
    if (!is_running_as_root()) {
        WARN("not root: the server user applies only when running as root (as in CI)");
        return;
    }
    const testing::TemporaryDirectory directory;
    EmbeddedPostgresOptions options = options_in(directory.path() / "home");
    options.server_user = "no-such-user-joulesweep";
    CHECK_THROWS_WITH(EmbeddedPostgres(options).start(),
                      "there is no system user 'no-such-user-joulesweep'");
}

TEST_CASE("EmbeddedPostgres: a home the server user cannot reach is refused before initdb",
          "[coordinator][embedded][db]") {
    if (!is_running_as_root()) {
        WARN("not root: the reachability check applies only when running as root (as in CI)");
        return;
    }
    const testing::TemporaryDirectory directory;
    const auto locked = directory.path() / "locked";
    std::filesystem::create_directories(locked);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
    EmbeddedPostgres cluster(options_in(locked / "home"));
    CHECK_THROWS_WITH(cluster.start(),
                      Catch::Contains("cannot reach") && Catch::Contains("--data-dir"));
    CHECK_FALSE(std::filesystem::exists(locked / "home" / "postgres"));
}

}  // namespace joulesweep::coordinator
