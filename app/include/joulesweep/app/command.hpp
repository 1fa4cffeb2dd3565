#pragma once
// The table of subcommands: each parses its own arguments (plus the global options)
// and returns the process exit code.

#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "joulesweep/app/cli.hpp"

namespace joulesweep::app {

struct CommandContext {
    GlobalOptions& globals;
    const boost::program_options::options_description& global_description;
    // Holds the global options given before the command; a command parses its own
    // arguments into it too, so values given on either side survive and defaults never
    // overwrite an explicit value.
    boost::program_options::variables_map& variables;
};

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for `joulesweep --help`
    int (*run)(const std::vector<std::string>& arguments, CommandContext& context);
};

// What one subcommand accepts besides the global options.
struct CommandOptions {
    std::string_view usage;                               // printed first by --help
    boost::program_options::options_description visible;  // listed by --help
    boost::program_options::options_description hidden;   // targets of positional words
    boost::program_options::positional_options_description positional;
};

// Parses `arguments` against the command's options and the global ones, then completes
// the globals from the environment. Returns false after printing --help (the command
// then exits 0); throws ConfigError for anything malformed.
bool parse_command_options(const std::vector<std::string>& arguments,
                           const CommandOptions& options,
                           CommandContext& context);

// Every subcommand, in the order `joulesweep --help` lists them.
const std::vector<Command>& all_commands();

int run_bench_command(const std::vector<std::string>& arguments, CommandContext& context);
// `bench training` and `bench energy`, reached through run_bench_command.
int run_bench_training(const std::vector<std::string>& arguments, CommandContext& context);
int run_bench_energy(const std::vector<std::string>& arguments, CommandContext& context);
int run_datasets_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_db_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_energy_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_enqueue_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_queue_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_results_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_run_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_search_command(const std::vector<std::string>& arguments, CommandContext& context);
// `search replay`, reached through run_search_command.
int run_search_replay(const std::vector<std::string>& arguments, CommandContext& context);
int run_shard_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_train_command(const std::vector<std::string>& arguments, CommandContext& context);
int run_status_command(const std::vector<std::string>& arguments, CommandContext& context);

}  // namespace joulesweep::app
