#pragma once
// Command-line plumbing shared by every subcommand: the global options (accepted before
// or after the command), the split of argv into global part, command and command
// arguments, and the one place that reads joulesweep's environment variables.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

namespace joulesweep::app {

// Width of --help output: wide enough that option descriptions stay readable.
constexpr unsigned kHelpLineLength = 100;

// An options_description laid out for kHelpLineLength columns.
boost::program_options::options_description help_section(const std::string& caption);

// Options every command accepts. Precedence: command line, then environment, then default.
struct GlobalOptions {
    std::optional<std::string> database_url;  // --db / JOULESWEEP_DB; empty: embedded cluster
    std::string data_dir = ".joulesweep";     // --data-dir / JOULESWEEP_HOME
    std::string pg_bin;                       // --pg-bin / JOULESWEEP_PG_BIN; empty: auto
    std::string server_user = "postgres";     // --server-user; only used when run as root
    int connect_timeout_s = 5;                // --connect-timeout; REQUIRES: >= 1
};

// Checks the values of the global options; throws ConfigError naming the option.
void validate(const GlobalOptions& options);

// Describes the global options; values land in `options` when notified.
boost::program_options::options_description global_options_description(GlobalOptions& options);

struct SplitCommandLine {
    std::vector<std::string> global_arguments;   // before the command
    std::optional<std::string> command;          // first non-option word
    std::vector<std::string> command_arguments;  // after it
};

// Splits at the first word that is neither an option nor the value of a global option
// that takes one (`--db URL`), so `joulesweep --db URL status` and `joulesweep status
// --db URL` both work.
SplitCommandLine split_command_line(const std::vector<std::string>& arguments,
                                    const boost::program_options::options_description& global);

// Parses `arguments` against `description` (rejecting unknown options and stray words
// unless `positional` accepts them) into `variables`, and notifies.
void parse_arguments(const std::vector<std::string>& arguments,
                     const boost::program_options::options_description& description,
                     const boost::program_options::positional_options_description& positional,
                     boost::program_options::variables_map& variables);

// A number as --help shows a default: as a user would type it, "0.1" and never
// "0.10000000000000001" (the shortest text that reads back as the same double).
std::string shortest_text(double value);

// The items of a comma-separated option value ("1,4" -> {"1", "4"}), empty ones kept so
// the caller can refuse them. The views point into `text`.
std::vector<std::string_view> split_commas(std::string_view text);

// Fills what the command line left unset from JOULESWEEP_DB, JOULESWEEP_HOME and
// JOULESWEEP_PG_BIN, then validates the result.
// The environment variable NAME, or nothing when it is unset or empty. Read it in app/
// before any thread starts (getenv is not thread-safe against setenv).
std::optional<std::string> environment_value(const char* name);

void apply_environment(const boost::program_options::variables_map& variables,
                       GlobalOptions& options);

}  // namespace joulesweep::app
