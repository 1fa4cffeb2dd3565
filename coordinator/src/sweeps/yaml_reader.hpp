#pragma once
// Reading one value of a sweep file: a scalar, a bounded number, a list, a map's keys.
// Every error names the file, the line and column, and the field, as
// "sweeps.yaml:3:25: grid.depth: 1 is out of range [2, 1000]".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace joulesweep::coordinator {

// The words a sweep file may use, in the order error messages list them.
using Words = std::vector<std::string_view>;

bool is_one_of(const Words& words, std::string_view word);

class YamlReader {
public:
    explicit YamlReader(std::string_view source) : source_(source) {}

    // Throws ConfigError "source:line:column: field: problem".
    [[noreturn]] void fail(const YAML::Node& node,
                           std::string_view field,
                           const std::string& problem) const;

    std::string scalar(const YAML::Node& node, std::string_view field) const;
    std::int64_t integer(const YAML::Node& node, std::string_view field) const;
    int bounded_int(const YAML::Node& node,
                    std::string_view field,
                    std::int64_t min,
                    std::int64_t max) const;
    double real(const YAML::Node& node, std::string_view field) const;  // finite
    // In [min, max) or (min, max).
    double bounded_real(const YAML::Node& node,
                        std::string_view field,
                        double min,
                        double max,
                        bool min_inclusive) const;

    // A scalar or a sequence: the values of one grid axis. Empty lists are an error.
    std::vector<YAML::Node> values(const YAML::Node& node, std::string_view field) const;

    // Unknown keys and keys given twice (YAML parsers keep the last one silently).
    void check_keys(const YAML::Node& map, const Words& known, std::string_view where) const;

private:
    std::string source_;
};

}  // namespace joulesweep::coordinator
