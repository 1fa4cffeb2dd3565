#include "joulesweep/app/cli.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

// Whether token `--name` (without `=value`) is a global option that takes a value.
bool takes_separate_value(const std::string& token, const po::options_description& global) {
    if (!token.starts_with("--") || token.find('=') != std::string::npos) {
        return false;
    }
    const po::option_description* option = global.find_nothrow(token.substr(2), false);
    return option != nullptr && option->semantic()->max_tokens() > 0;
}

}  // namespace

std::optional<std::string> environment_value(const char* name) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once in app/
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

po::options_description help_section(const std::string& caption) {
    constexpr unsigned kDescriptionColumn = kHelpLineLength / 3;
    return {caption, kHelpLineLength, kDescriptionColumn};
}

po::options_description global_options_description(GlobalOptions& options) {
    po::options_description description = help_section("Options for every command");
    description.add_options()(
        "db",
        po::value<std::string>()->value_name("URL")->notifier(
            [&options](const std::string& url) { options.database_url = url; }),
        "PostgreSQL to use: a libpq connection string (\"host=db1 dbname=sweeps\") or a "
        "postgresql:// URI; passwords belong in ~/.pgpass or PGPASSFILE, not here. Default: "
        "$JOULESWEEP_DB, else joulesweep's own embedded cluster in --data-dir")(
        "data-dir",
        po::value<std::string>(&options.data_dir)->value_name("DIR"),
        "joulesweep's home: the embedded PostgreSQL cluster, its log and socket. Default: "
        "$JOULESWEEP_HOME, else ./.joulesweep")(
        "pg-bin",
        po::value<std::string>(&options.pg_bin)->value_name("DIR"),
        "directory with initdb and pg_ctl for the embedded cluster. Default: $JOULESWEEP_PG_BIN, "
        "else the version that created the cluster, else the newest /usr/lib/postgresql/*/bin")(
        "server-user",
        po::value<std::string>(&options.server_user)->value_name("USER")->default_value("postgres"),
        "when joulesweep runs as root, the unprivileged user that runs the embedded PostgreSQL "
        "(PostgreSQL refuses to run as root)")(
        "connect-timeout",
        po::value<int>(&options.connect_timeout_s)->value_name("SECONDS")->default_value(5),
        "give up connecting to the --db server after this many seconds (unless the URL sets "
        "connect_timeout itself)");
    return description;
}

SplitCommandLine split_command_line(const std::vector<std::string>& arguments,
                                    const po::options_description& global) {
    SplitCommandLine split;
    std::size_t index = 0;
    while (index < arguments.size() && arguments[index].starts_with("-") &&
           arguments[index] != "-") {
        split.global_arguments.push_back(arguments[index]);
        if (takes_separate_value(arguments[index], global) && index + 1 < arguments.size()) {
            split.global_arguments.push_back(arguments[index + 1]);
            ++index;
        }
        ++index;
    }
    if (index < arguments.size()) {
        split.command = arguments[index];
        split.command_arguments.assign(arguments.begin() + static_cast<std::ptrdiff_t>(index) + 1,
                                       arguments.end());
    }
    return split;
}

void parse_arguments(const std::vector<std::string>& arguments,
                     const po::options_description& description,
                     const po::positional_options_description& positional,
                     po::variables_map& variables) {
    const auto style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(arguments)
                  .options(description)
                  .positional(positional)
                  .style(style)
                  .run(),
              variables);
    po::notify(variables);
}

std::string shortest_text(double value) {
    return fmt::format("{}", value);
}

std::vector<std::string_view> split_commas(std::string_view text) {
    std::vector<std::string_view> items;
    while (true) {
        const auto comma = text.find(',');
        items.push_back(text.substr(0, comma));
        if (comma == std::string_view::npos) {
            return items;
        }
        text.remove_prefix(comma + 1);
    }
}

void validate(const GlobalOptions& options) {
    if (options.connect_timeout_s < 1) {
        throw common::ConfigError(fmt::format("--connect-timeout must be at least 1 second, got {}",
                                              options.connect_timeout_s));
    }
    if (options.data_dir.empty()) {
        throw common::ConfigError("--data-dir must not be empty");
    }
}

void apply_environment(const po::variables_map& variables, GlobalOptions& options) {
    if (!options.database_url) {
        options.database_url = environment_value("JOULESWEEP_DB");
    }
    if (variables.count("data-dir") == 0) {
        options.data_dir = environment_value("JOULESWEEP_HOME").value_or(options.data_dir);
    }
    if (variables.count("pg-bin") == 0) {
        options.pg_bin = environment_value("JOULESWEEP_PG_BIN").value_or(options.pg_bin);
    }
    validate(options);
}

}  // namespace joulesweep::app
