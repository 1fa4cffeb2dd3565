#include "joulesweep/app/database_access.hpp"

#include <iostream>
#include <string>

#include <fmt/format.h>

#include "joulesweep/common/version.hpp"

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

coordinator::ConnectionTarget resolve_database(const GlobalOptions& options) {
    if (options.database_url) {
        return coordinator::parse_connection_target(*options.database_url, "--db");
    }
    return embedded_cluster(options).start();
}

std::string software_name() {
    return fmt::format("joulesweep {} (git {})", common::version(), common::git_revision());
}

}  // namespace joulesweep::app
