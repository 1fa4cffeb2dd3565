#pragma once
// Which PostgreSQL a command uses: the server named by --db / JOULESWEEP_DB, or else
// joulesweep's embedded cluster, started on demand.

#include <string>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/coordinator/db/connection_target.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/embedded/embedded_postgres.hpp"

namespace joulesweep::app {

// The embedded cluster configured by the global options (progress lines go to stderr).
coordinator::EmbeddedPostgres embedded_cluster(const GlobalOptions& options);

// The --db target, parsed with the --connect-timeout default; throws ConfigError if malformed.
coordinator::ConnectionTarget external_database(const GlobalOptions& options);

// The --db target if one was given (parsed, never started); otherwise starts the
// embedded cluster if needed and returns its socket target.
coordinator::ConnectionTarget resolve_database(const GlobalOptions& options);

// Connects to resolve_database(options) and checks that its schema is the one this
// binary knows; throws DatabaseError telling the user to migrate (or upgrade) if not.
coordinator::Database open_current_database(const GlobalOptions& options);

// "joulesweep 0.1.0 (git 0123abcd)", recorded with migrations and, later, results.
std::string software_name();

}  // namespace joulesweep::app
