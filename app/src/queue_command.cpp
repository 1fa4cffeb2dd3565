// `joulesweep queue ACTION`: operations on queued runs. Today: redrive, which puts dead
// letters (runs that failed for good) back in the queue once their cause is fixed.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kQueueUsage =
    R"usage(Usage: joulesweep queue redrive [--matching TEXT] [--dry-run] [options]

Act on the runs in the queue.

Actions:
  redrive   put failed runs (dead letters) back in the queue with fresh error and lost
            counts, after you fixed what made them fail; their last error is kept until
            they run again. See the failures with `joulesweep status` or
              psql "$(joulesweep db url)" -c 'SELECT * FROM failures'

)usage";

int redrive(const GlobalOptions& globals,
            const std::optional<std::string>& matching,
            bool dry_run) {
    coordinator::Database database = open_current_database(globals);
    coordinator::RunQueue queue(database, coordinator::QueueOptions{});
    const std::string which =
        matching ? fmt::format("failed runs whose last error contains '{}'", *matching)
                 : std::string("failed runs");
    if (dry_run) {
        std::cout << fmt::format("would redrive {} {} (dry run: nothing changed)\n",
                                 queue.count_dead_letters(matching),
                                 which);
        return 0;
    }
    std::cout << fmt::format(
        "redrove {} {}: they are pending again\n", queue.redrive(matching), which);
    return 0;
}

}  // namespace

int run_queue_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string action;
    std::optional<std::string> matching;
    bool dry_run = false;
    CommandOptions options{kQueueUsage, help_section("Options for queue redrive"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "matching",
        po::value<std::string>()->value_name("TEXT")->notifier(
            [&matching](const std::string& text) { matching = text; }),
        "only the failed runs whose last error contains TEXT (case-sensitive); default: all")(
        "dry-run", po::bool_switch(&dry_run), "count the runs it would redrive; change nothing");
    options.hidden.add_options()("action", po::value<std::string>(&action));
    options.positional.add("action", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (action.empty()) {
        throw common::ConfigError("queue: missing ACTION (redrive; see joulesweep queue --help)");
    }
    if (action != "redrive") {
        throw common::ConfigError(
            fmt::format("queue: unknown action '{}' (expected redrive)", action));
    }
    if (matching && matching->empty()) {
        throw common::ConfigError("queue redrive: --matching needs a non-empty TEXT");
    }
    return redrive(context.globals, matching, dry_run);
}

}  // namespace joulesweep::app
