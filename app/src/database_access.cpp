#include "joulesweep/app/database_access.hpp"

#include <chrono>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/version.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"

namespace joulesweep::app {

coordinator::EmbeddedPostgres embedded_cluster(const GlobalOptions& options) {
    coordinator::EmbeddedPostgresOptions embedded;
    embedded.home_dir = options.data_dir;
    embedded.server_bin_dir = options.pg_bin;
    embedded.server_user = options.server_user;
    embedded.on_progress = [](const std::string& line) {
        std::cerr << "joulesweep: " << line << '\n';
    };
    return coordinator::EmbeddedPostgres(embedded);
}

coordinator::ConnectionTarget external_database(const GlobalOptions& options) {
    JOULESWEEP_CHECK(options.database_url.has_value(), "external_database needs --db");
    return coordinator::parse_connection_target(
        *options.database_url, "--db", std::chrono::seconds(options.connect_timeout_s));
}

coordinator::ConnectionTarget resolve_database(const GlobalOptions& options) {
    if (options.database_url) {
        return external_database(options);
    }
    return embedded_cluster(options).start();
}

coordinator::Database open_current_database(const GlobalOptions& options) {
    coordinator::Database database(resolve_database(options));
    coordinator::MigrationRunner(database, coordinator::known_migrations(), software_name())
        .require_current();
    return database;
}

std::string software_name() {
    return fmt::format("joulesweep {} (git {})", common::version(), common::git_revision());
}

}  // namespace joulesweep::app
