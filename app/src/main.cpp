// joulesweep: one executable, many subcommands. main() parses the global options,
// dispatches, and maps exceptions to exit codes: 0 done, 1 runtime error, 2 usage or
// configuration error, 3 internal error (a bug).
#include <exception>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/app/command.hpp"
#include "joulesweep/app/exit_codes.hpp"
#include "joulesweep/app/version_report.hpp"
#include "joulesweep/common/error.hpp"

namespace po = boost::program_options;

namespace {

using joulesweep::app::kExitInternalError;
using joulesweep::app::kExitUsageError;

void print_usage(std::ostream& out,
                 const po::options_description& general,
                 const po::options_description& global) {
    out << "joulesweep: regenerate, on HPC clusters, the dataset of how neural-network training\n"
           "behaves and what it costs in energy.\n\n"
           "Usage: joulesweep [options] COMMAND [command options]\n\n"
           "Commands:\n";
    for (const auto& command : joulesweep::app::all_commands()) {
        out << fmt::format("  {:<10}{}\n", command.name, command.summary);
    }
    out << fmt::format(
        "  {:<10}{}\n", "help", "this help, or a command's: joulesweep help COMMAND");
    out << "\nRun `joulesweep help COMMAND` (or `joulesweep COMMAND --help`) for what a command "
           "does and its options.\n\n"
        << general << '\n'
        << global << '\n'
        << "Environment:\n"
           "  JOULESWEEP_DB      default for --db\n"
           "  JOULESWEEP_HOME    default for --data-dir\n"
           "  JOULESWEEP_PG_BIN  default for --pg-bin\n\n"
           "Exit codes: 0 success, 1 runtime error, 2 usage or configuration error, 3 internal "
           "error.\n";
}

int run(const std::vector<std::string>& arguments) {
    joulesweep::app::GlobalOptions globals;
    const po::options_description global = joulesweep::app::global_options_description(globals);
    po::options_description general = joulesweep::app::help_section("General options");
    general.add_options()("help,h", "show this help")(
        "version", "print the version, git revision and libraries");
    po::options_description leading;
    leading.add(general).add(global);

    const auto split = joulesweep::app::split_command_line(arguments, global);
    po::variables_map variables;
    joulesweep::app::parse_arguments(
        split.global_arguments, leading, po::positional_options_description(), variables);
    if (variables.count("version") != 0U) {
        std::cout << joulesweep::app::version_report();
        return 0;
    }
    // `joulesweep`, `joulesweep --help` and `joulesweep help` all print the help.
    if (variables.count("help") != 0U || !split.command ||
        (*split.command == "help" && split.command_arguments.empty())) {
        print_usage(std::cout, general, global);
        return 0;
    }
    std::string name = *split.command;
    std::vector<std::string> command_arguments = split.command_arguments;
    if (name == "help") {  // `joulesweep help COMMAND` is `joulesweep COMMAND --help`
        if (command_arguments.size() > 1) {
            throw joulesweep::common::ConfigError(
                "help: give one command, as in `joulesweep help run`");
        }
        name = command_arguments.front();
        command_arguments = {"--help"};
    }
    for (const auto& command : joulesweep::app::all_commands()) {
        if (command.name != name) {
            continue;
        }
        joulesweep::app::CommandContext context{globals, global, variables};
        try {
            return command.run(command_arguments, context);
        } catch (const po::error& error) {
            throw joulesweep::common::ConfigError(fmt::format(
                "{}: {} (see joulesweep {} --help)", command.name, error.what(), command.name));
        }
    }
    std::string known;
    for (const auto& command : joulesweep::app::all_commands()) {
        known += fmt::format("{}{}", known.empty() ? "" : ", ", command.name);
    }
    throw joulesweep::common::ConfigError(
        fmt::format("unknown command '{}' (commands: {}; see joulesweep help)", name, known));
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const po::error& error) {
        std::cerr << "joulesweep: " << error.what() << " (see joulesweep --help)\n";
        return kExitUsageError;
    } catch (const std::exception& error) {
        const int code = joulesweep::app::exit_code_for(error);
        std::cerr << "joulesweep: "
                  << (code == kExitInternalError ? "internal error, please report: " : "")
                  << error.what() << '\n';
        return code;
    }
}
