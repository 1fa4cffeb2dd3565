#pragma once
// What `joulesweep status` reports about the database: the server, the schema version
// and the installation's identity. Later the queue's counts join it.

#include <optional>
#include <string>
#include <vector>

#include "joulesweep/common/version.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"

namespace joulesweep::coordinator {

struct DatabaseStatus {
    std::string server_version;  // "PostgreSQL 15.20"
    SchemaState schema;
    std::optional<std::string> installation_id;  // set once migration 0001 is applied
    std::optional<std::string> installation_created_at;
};

DatabaseStatus read_database_status(Database& database, MigrationRunner& migrations);

// libpqxx and libpq versions: part of the coordinator's software provenance.
std::vector<common::ComponentVersion> coordinator_component_versions();

}  // namespace joulesweep::coordinator
