// `joulesweep db ACTION`: start, stop, status, url and migrate for the database.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kDbUsage = R"usage(Usage: joulesweep db ACTION [options]

Manage the PostgreSQL database that holds the queue and the results. Without --db,
that is joulesweep's embedded cluster in --data-dir, created on first use.

Actions:
  start     create the embedded cluster if needed and start it (idempotent)
  stop      stop the embedded cluster, keeping its data (idempotent)
  status    whether the database is reachable, its server version and schema version
  url       print a libpq connection string for psql and other tools:
              psql "$(joulesweep db url)"
  migrate   apply the schema migrations this joulesweep has and the database lacks,
            each in its own transaction; refuses a database newer than this binary

)usage";

void require_embedded(const GlobalOptions& globals, const std::string& action) {
    if (globals.database_url) {
        throw common::ConfigError(
            fmt::format("db {}: --db names an external server; joulesweep starts and stops only "
                        "its embedded cluster",
                        action));
    }
}

void print_server(const coordinator::ConnectionTarget& target) {
    coordinator::Database database(target);
    coordinator::MigrationRunner migrations(
        database, coordinator::known_migrations(), software_name());
    std::cout << fmt::format("server:   {}\n", database.server_version());
    std::cout << fmt::format("schema:   {}\n", coordinator::describe(migrations.inspect()));
}

int db_start(const GlobalOptions& globals) {
    require_embedded(globals, "start");
    auto cluster = embedded_cluster(globals);
    cluster.start();
    const auto status = cluster.status();
    std::cout << fmt::format("embedded PostgreSQL {} running in {} (pid {}, port {})\n",
                             status.cluster_version,
                             status.home_dir.string(),
                             status.pid.value_or(0),
                             status.port.value_or(0));
    std::cout << "connect with: psql \"$(joulesweep db url)\"; stop with: joulesweep db stop\n";
    return 0;
}

int db_stop(const GlobalOptions& globals) {
    require_embedded(globals, "stop");
    auto cluster = embedded_cluster(globals);
    if (cluster.stop()) {
        std::cout << fmt::format("stopped the embedded PostgreSQL in {}\n",
                                 cluster.status().home_dir.string());
    } else {
        std::cout << fmt::format("the embedded PostgreSQL in {} was not running\n",
                                 cluster.status().home_dir.string());
    }
    return 0;
}

int db_status(const GlobalOptions& globals) {
    if (globals.database_url) {
        const auto target = external_database(globals);
        std::cout << fmt::format("database: {}\n", target.description);
        print_server(target);
        return 0;
    }
    auto cluster = embedded_cluster(globals);
    const auto status = cluster.status();
    std::cout << fmt::format("database: embedded, in {}\n", status.home_dir.string());
    if (!status.initialized) {
        std::cout << "state:    not created yet (any command that needs it, or `joulesweep db "
                     "start`, creates it)\n";
        return 0;
    }
    std::cout << fmt::format("log:      {}\n", status.log_file.string());
    if (!status.running) {
        std::cout << fmt::format("state:    stopped (PostgreSQL {} cluster; last port {})\n",
                                 status.cluster_version,
                                 status.port.value_or(0));
        return 0;
    }
    std::cout << fmt::format(
        "state:    running (pid {}, port {})\n", status.pid.value_or(0), status.port.value_or(0));
    print_server(cluster.socket_target());
    return 0;
}

int db_url(const GlobalOptions& globals, bool tcp) {
    if (globals.database_url) {
        // The given string may hold a password: print only what identifies the server.
        std::cout << external_database(globals).description << '\n';
        return 0;
    }
    auto cluster = embedded_cluster(globals);
    if (!cluster.status().initialized) {
        throw common::ConfigError(
            fmt::format("db url: the embedded database in {} has not been created yet: "
                        "run `joulesweep db start`",
                        cluster.status().home_dir.string()));
    }
    std::cout << (tcp ? cluster.tcp_target() : cluster.socket_target()).conninfo << '\n';
    return 0;
}

int db_migrate(const GlobalOptions& globals) {
    const auto target = resolve_database(globals);
    coordinator::Database database(target);
    coordinator::MigrationRunner migrations(
        database, coordinator::known_migrations(), software_name());
    const std::vector<int> applied = migrations.migrate();
    for (const int version : applied) {
        for (const auto& migration : coordinator::known_migrations()) {
            if (migration.version == version) {
                std::cout << fmt::format("applied migration {:04d}_{}\n", version, migration.name);
            }
        }
    }
    const auto state = migrations.inspect();
    std::cout << fmt::format(
        "schema is current at version {} ({})\n", state.applied_version, target.description);
    return 0;
}

}  // namespace

int run_db_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string action;
    bool tcp = false;
    CommandOptions options{kDbUsage, help_section("Options for db"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "tcp",
        po::bool_switch(&tcp),
        "db url: print the TCP form (127.0.0.1, password from the "
        "cluster's pgpass file) instead of the Unix socket form");
    options.hidden.add_options()("action", po::value<std::string>(&action));
    options.positional.add("action", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (action.empty()) {
        throw common::ConfigError(
            "db: missing ACTION (start, stop, status, url or migrate; see joulesweep db --help)");
    }
    if (tcp && action != "url") {
        throw common::ConfigError(fmt::format("db {}: --tcp applies only to `db url`", action));
    }
    if (action == "start") {
        return db_start(context.globals);
    }
    if (action == "stop") {
        return db_stop(context.globals);
    }
    if (action == "status") {
        return db_status(context.globals);
    }
    if (action == "url") {
        return db_url(context.globals, tcp);
    }
    if (action == "migrate") {
        return db_migrate(context.globals);
    }
    throw common::ConfigError(fmt::format(
        "db: unknown action '{}' (expected start, stop, status, url or migrate)", action));
}

}  // namespace joulesweep::app
