// `joulesweep results`: what the training found so far, per experiment, from the
// experiment_results view (migration 0005).
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/reports/queue_report.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kResultsUsage = R"usage(Usage: joulesweep results [options]

One line per experiment with stored runs, best test loss first: its configuration, how
many runs are stored, the best test loss any run reached at any epoch, the mean test
loss of the runs' last epochs, their total training time and how many diverged. The
same numbers in SQL: SELECT * FROM experiment_results (docs/sql.md).

)usage";

}  // namespace

int run_results_command(const std::vector<std::string>& arguments, CommandContext& context) {
    int limit = 20;
    CommandOptions options{kResultsUsage, help_section("Options for results"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "limit",
        po::value<int>(&limit)->value_name("N")->default_value(limit),
        "show at most N experiments");
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (limit < 1) {
        throw common::ConfigError(
            fmt::format("results: --limit must be at least 1, got {}", limit));
    }
    coordinator::Database database = open_current_database(context.globals);
    std::cout << format_table(coordinator::read_results_table(database, limit));
    return 0;
}

}  // namespace joulesweep::app
