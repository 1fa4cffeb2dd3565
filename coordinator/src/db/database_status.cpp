#include "joulesweep/coordinator/db/database_status.hpp"

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <pqxx/version>

namespace joulesweep::coordinator {

DatabaseStatus read_database_status(Database& database, MigrationRunner& migrations) {
    DatabaseStatus status;
    status.server_version = database.server_version();
    status.schema = migrations.inspect();
    database.with_transaction("read the installation", [&](pqxx::work& transaction) {
        if (!transaction.exec1("SELECT to_regclass('installation') IS NOT NULL")[0].as<bool>()) {
            return;
        }
        const pqxx::result rows = transaction.exec(
            "SELECT installation_id::text, to_char(created_at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD HH24:MI:SS \"UTC\"') FROM installation");
        if (!rows.empty()) {
            status.installation_id = rows[0][0].as<std::string>();
            status.installation_created_at = rows[0][1].as<std::string>();
        }
    });
    return status;
}

std::vector<common::ComponentVersion> coordinator_component_versions() {
    const int libpq = PQlibVersion();  // e.g. 150020 for 15.20
    constexpr int kLibpqMajorFactor = 10000;
    return {
        {"libpqxx", PQXX_VERSION},
        {"libpq", fmt::format("{}.{}", libpq / kLibpqMajorFactor, libpq % kLibpqMajorFactor)},
    };
}

}  // namespace joulesweep::coordinator
