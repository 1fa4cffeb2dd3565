#include "yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

bool is_one_of(const Words& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

void YamlReader::fail(const YAML::Node& node,
                      std::string_view field,
                      const std::string& problem) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) {
        throw common::ConfigError(fmt::format("{}: {}: {}", source_, field, problem));
    }
    throw common::ConfigError(
        fmt::format("{}:{}:{}: {}: {}", source_, mark.line + 1, mark.column + 1, field, problem));
}

std::string YamlReader::scalar(const YAML::Node& node, std::string_view field) const {
    if (!node.IsScalar()) {
        fail(node, field, "expected a single value");
    }
    return node.Scalar();
}

std::int64_t YamlReader::integer(const YAML::Node& node, std::string_view field) const {
    const std::string text = scalar(node, field);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        fail(node, field, fmt::format("'{}' is not a whole number", text));
    }
    return value;
}

int YamlReader::bounded_int(const YAML::Node& node,
                            std::string_view field,
                            std::int64_t min,
                            std::int64_t max) const {
    const std::int64_t value = integer(node, field);
    if (value < min || value > max) {
        fail(node, field, fmt::format("{} is out of range [{}, {}]", value, min, max));
    }
    return static_cast<int>(value);
}

double YamlReader::real(const YAML::Node& node, std::string_view field) const {
    const std::string text = scalar(node, field);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        fail(node, field, fmt::format("'{}' is not a finite number", text));
    }
    return value;
}

double YamlReader::bounded_real(const YAML::Node& node,
                                std::string_view field,
                                double min,
                                double max,
                                bool min_inclusive) const {
    const double value = real(node, field);
    const bool above_min = min_inclusive ? value >= min : value > min;
    if (!above_min || value >= max) {
        fail(node,
             field,
             fmt::format("{} is out of range {}{}, {})",
                         scalar(node, field),
                         min_inclusive ? "[" : "(",
                         min,
                         max));
    }
    return value;
}

// A scalar or a sequence: the values of one grid axis. Empty lists are an error.
std::vector<YAML::Node> YamlReader::values(const YAML::Node& node, std::string_view field) const {
    std::vector<YAML::Node> items;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            items.push_back(item);
        }
    } else {
        items.push_back(node);
    }
    if (items.empty()) {
        fail(node, field, "the list is empty, so the product would be empty");
    }
    return items;
}

// Unknown keys and keys given twice (YAML parsers keep the last one silently).
void YamlReader::check_keys(const YAML::Node& map,
                            const Words& known,
                            std::string_view where) const {
    std::map<std::string, YAML::Mark> seen;
    for (const auto& entry : map) {
        const std::string key = scalar(entry.first, where);
        if (!is_one_of(known, key)) {
            fail(
                entry.first,
                where,
                fmt::format("unknown key '{}' (expected one of: {})", key, fmt::join(known, ", ")));
        }
        const auto [first, inserted] = seen.emplace(key, entry.first.Mark());
        if (!inserted) {
            fail(entry.first,
                 where,
                 fmt::format("'{}' is given twice, on lines {} and {}; keep one",
                             key,
                             first->second.line + 1,
                             entry.first.Mark().line + 1));
        }
    }
}

}  // namespace joulesweep::coordinator
