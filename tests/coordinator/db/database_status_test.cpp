#include "joulesweep/coordinator/db/database_status.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "test_database.hpp"

namespace joulesweep::coordinator {

TEST_CASE("read_database_status: an empty database has no schema and no installation",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner migrations(database, known_migrations(), "joulesweep test");
    const auto status = read_database_status(database, migrations);
    CHECK(status.server_version.rfind("PostgreSQL ", 0) == 0);
    CHECK(status.schema.applied_version == 0);
    CHECK_FALSE(status.installation_id);
}

TEST_CASE("read_database_status: after migrating, the installation has an id and its creator",
          "[coordinator][db]") {
    const testing::TestDatabase fresh;
    Database database(fresh.target());
    MigrationRunner migrations(database, known_migrations(), "joulesweep test");
    migrations.migrate();
    const auto status = read_database_status(database, migrations);
    CHECK(status.schema.is_current());
    REQUIRE(status.installation_id);
    CHECK(status.installation_id->size() == 36);  // a UUID
    const std::string created_by =
        database.with_transaction("read creator", [](pqxx::work& transaction) {
            return transaction.exec1("SELECT created_by FROM installation")[0].as<std::string>();
        });
    CHECK(created_by == "joulesweep test");
}

TEST_CASE("coordinator_component_versions: names libpqxx and libpq", "[coordinator][db]") {
    const auto components = coordinator_component_versions();
    REQUIRE(components.size() == 2);
    CHECK(components[0].name == "libpqxx");
    CHECK(components[1].name == "libpq");
}

}  // namespace joulesweep::coordinator
