#include "joulesweep/app/cli.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <catch2/catch.hpp>

namespace joulesweep::app {
namespace po = boost::program_options;

TEST_CASE("split_command_line: global options and their values come before the command",
          "[app][cli]") {
    GlobalOptions options;
    const auto global = global_options_description(options);
    const auto split =
        split_command_line({"--db", "host=x", "--data-dir=/tmp/j", "db", "start", "--tcp"}, global);
    CHECK(split.global_arguments ==
          std::vector<std::string>{"--db", "host=x", "--data-dir=/tmp/j"});
    REQUIRE(split.command);
    CHECK(*split.command == "db");
    CHECK(split.command_arguments == std::vector<std::string>{"start", "--tcp"});
}

TEST_CASE("split_command_line: no command leaves it empty", "[app][cli]") {
    GlobalOptions options;
    const auto global = global_options_description(options);
    const auto split = split_command_line({"--help"}, global);
    CHECK_FALSE(split.command);
    CHECK(split.global_arguments == std::vector<std::string>{"--help"});
}

TEST_CASE("parse_arguments: fills the global options from either side of the command",
          "[app][cli]") {
    GlobalOptions options;
    const auto global = global_options_description(options);
    po::variables_map variables;
    parse_arguments({"--db", "host=x", "--data-dir", "/tmp/j"},
                    global,
                    po::positional_options_description(),
                    variables);
    REQUIRE(options.database_url);
    CHECK(*options.database_url == "host=x");
    CHECK(options.data_dir == "/tmp/j");
}

TEST_CASE("parse_arguments: unknown options, missing values and stray words are errors",
          "[app][cli]") {
    GlobalOptions options;
    const auto global = global_options_description(options);
    const po::positional_options_description none;
    po::variables_map variables;
    CHECK_THROWS_WITH(parse_arguments({"--bogus"}, global, none, variables),
                      Catch::Contains("--bogus"));
    po::variables_map missing;
    CHECK_THROWS_WITH(parse_arguments({"--db"}, global, none, missing), Catch::Contains("--db"));
    po::variables_map stray;
    CHECK_THROWS_AS(parse_arguments({"extra"}, global, none, stray), po::error);
    po::variables_map abbreviated;
    CHECK_THROWS_AS(parse_arguments({"--data", "x"}, global, none, abbreviated), po::error);
}

TEST_CASE("validate: rejects a non-positive connect timeout and an empty data dir", "[app][cli]") {
    GlobalOptions options;
    CHECK_NOTHROW(validate(options));
    options.connect_timeout_s = 0;
    CHECK_THROWS_WITH(validate(options), "--connect-timeout must be at least 1 second, got 0");
    options.connect_timeout_s = 5;
    options.data_dir.clear();
    CHECK_THROWS_WITH(validate(options), "--data-dir must not be empty");
}

TEST_CASE("shortest_text: defaults in --help read as they were typed", "[app][cli]") {
    CHECK(shortest_text(0.1) == "0.1");
    CHECK(shortest_text(2.0) == "2");
    CHECK(shortest_text(10.0) == "10");
    CHECK(shortest_text(1e-3) == "0.001");
}

TEST_CASE("split_commas keeps empty items so callers can refuse them", "[app][cli]") {
    using Items = std::vector<std::string_view>;
    CHECK(split_commas("1,4") == Items{"1", "4"});
    CHECK(split_commas("adult") == Items{"adult"});
    CHECK(split_commas("1,,4") == Items{"1", "", "4"});
    CHECK(split_commas("") == Items{""});
}

}  // namespace joulesweep::app
