// `joulesweep status`: the database, its schema and the installation, from SQL.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/coordinator/database_status.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/migrations.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kStatusUsage = R"(Usage: joulesweep status [options]

Show which database joulesweep uses, its server and schema versions and the identity of
the installation. Without --db the embedded cluster is started if it is not running.

)";

}  // namespace

int run_status_command(const std::vector<std::string>& arguments, CommandContext& context) {
    po::options_description options = help_section("Options for status");
    options.add_options()("help,h", "show this help");
    po::options_description all;
    all.add(options).add(context.global_description);
    po::variables_map& variables = context.variables;
    parse_arguments(arguments, all, po::positional_options_description(), variables);
    apply_environment(variables, context.globals);
    if (variables.count("help") != 0U) {
        std::cout << kStatusUsage << options << '\n' << context.global_description << '\n';
        return 0;
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
    return 0;
}

}  // namespace joulesweep::app
