// `joulesweep status`: the database and, from the views of migration 0003, the queue:
// progress and ETA per sweep, runs by dataset, coordinators, runs in flight, failures and
// throughput.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/db/database_status.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"
#include "joulesweep/coordinator/reports/queue_report.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kStatusUsage = R"usage(Usage: joulesweep status [options]

Show the database (server, schema, installation) and the queue: progress and ETA per
sweep, runs by sweep and dataset, live coordinators with the age of their lease, runs in
flight with their current epoch, failures grouped by error, and runs done recently.
Without --db the embedded cluster is started if it is not running.

Every table is a view you can query yourself (docs/sql.md), e.g.
  psql "$(joulesweep db url)" -c 'SELECT * FROM progress'
To refresh every 10 seconds: watch -n 10 joulesweep status

)usage";

// Migration 0003 creates the views the queue tables read.
constexpr int kFirstSchemaWithViews = 3;

}  // namespace

int run_status_command(const std::vector<std::string>& arguments, CommandContext& context) {
    coordinator::QueueReportOptions report_options;
    CommandOptions options{kStatusUsage, help_section("Options for status"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "limit",
        po::value<int>(&report_options.row_limit)->value_name("N")->default_value(20),
        "show at most N rows of the long tables (runs by dataset, runs in flight, failures)");
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (report_options.row_limit < 1) {
        throw common::ConfigError(
            fmt::format("status: --limit must be at least 1, got {}", report_options.row_limit));
    }

    const auto target = resolve_database(context.globals);
    coordinator::Database database(target);
    coordinator::MigrationRunner migrations(
        database, coordinator::known_migrations(), software_name());
    const auto status = coordinator::read_database_status(database, migrations);

    std::cout << fmt::format("joulesweep:   {}\n", software_name());
    std::cout << fmt::format("database:     {}\n", target.description);
    std::cout << fmt::format("server:       {}\n", status.server_version);
    std::cout << fmt::format("schema:       {}\n", coordinator::describe(status.schema));
    if (status.installation_id) {
        std::cout << fmt::format("installation: {} (created {})\n",
                                 *status.installation_id,
                                 status.installation_created_at.value_or("?"));
    }
    if (status.schema.applied_version < kFirstSchemaWithViews) {
        std::cout << "\nqueue: not shown until the schema is migrated (joulesweep db migrate)\n";
        return 0;
    }
    for (const auto& table : coordinator::read_queue_report(database, report_options)) {
        std::cout << '\n' << format_table(table);
    }
    return 0;
}

}  // namespace joulesweep::app
