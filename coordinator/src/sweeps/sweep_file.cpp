#include "joulesweep/coordinator/sweeps/sweep_file.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/size_search.hpp"

#include "yaml_reader.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr int kMaxPowerOfTwo = 40;

const Words& sweep_keys() {
    static const Words words{
        "label", "repetitions", "priority", "grid", "search", "keep_if", "drop_if"};
    return words;
}

// A grid has one axis per experiment field but the search-only ones, which a sweep's
// `search:` block sets.
const Words& grid_keys() {
    static const Words words = [] {
        Words names;
        common::for_each_experiment_field([&names](const auto& entry) {
            if (entry.scope == common::FieldScope::kEvery) {
                names.push_back(entry.name);
            }
        });
        return names;
    }();
    return words;
}

// The keys of a sweep's `search:` block and the fields they set (docs/sweeps.md).
struct SearchKey {
    std::string_view key;
    std::string_view field;
};

constexpr std::array kSearchKeys{
    SearchKey{"target", "search_target"},
    SearchKey{"ladder_factor", "search_ladder"},
    SearchKey{"start_size", "size"},
    SearchKey{"max_size", "search_max_size"},
    SearchKey{"failure", "search_failure"},
    SearchKey{"monitored", "search_monitored"},
};

const Words& search_keys() {
    static const Words words = [] {
        Words keys;
        for (const SearchKey& entry : kSearchKeys) {
            keys.push_back(entry.key);
        }
        return keys;
    }();
    return words;
}

// The axes a sweep must name: the study's axes, with no sensible default.
const Words& required_keys() {
    static const Words words{"dataset", "shape", "depth", "size"};
    return words;
}

// Words that look like fields but choose how runs execute, not what they train.
constexpr std::string_view kNotAField =
    "is not part of an experiment (it does not change what is trained): choose it per job "
    "with `joulesweep run --backend NAME` (docs/training.md)";

// The range a number field's YAML values must lie in: [min or (min, to max exclusive.
// The full check of a point (common::find_problem) runs again once the grid is expanded.
struct NumberRange {
    std::string_view field;
    double min;
    double max;
    bool min_inclusive;
};

constexpr double kUnbounded = 1e300;
constexpr std::array kNumberRanges{
    NumberRange{"batch_size", 1, (1 << 24) + 1, true},
    NumberRange{"depth", common::kMinDepth, common::kMaxDepth + 1, true},
    NumberRange{"epochs", 1, 10'000'001, true},
    NumberRange{"l1", 0, kUnbounded, true},
    NumberRange{"l2", 0, kUnbounded, true},
    NumberRange{"label_noise", 0, 1, true},
    NumberRange{"learning_rate", 0, kUnbounded, false},
    NumberRange{"momentum", 0, 1, true},
    NumberRange{"search_ladder", 1, kUnbounded, false},
    NumberRange{"search_target", 0, kUnbounded, false},
    NumberRange{"test_fraction", 0, 1, false},
    NumberRange{"validation_fraction", 0, 1, true},
};

const NumberRange& range_of(std::string_view field) {
    for (const NumberRange& range : kNumberRanges) {
        if (range.field == field) {
            return range;
        }
    }
    throw common::InternalError(fmt::format("sweep files: no range for field {}", field));
}

// The axis of `grid` at position `index` of the field list, which holds Field values.
template <typename Field>
std::vector<Field>& axis_at(SweepGrid& grid, std::size_t index) {
    std::vector<Field>* found = nullptr;
    std::size_t at = 0;
    std::apply(
        [&](auto&... axes) {
            const auto pick = [&](auto& axis) {
                if constexpr (std::is_same_v<std::decay_t<decltype(axis)>, std::vector<Field>>) {
                    if (at == index) {
                        found = &axis;
                    }
                }
                ++at;
            };
            (pick(axes), ...);
        },
        grid);
    JOULESWEEP_CHECK(found != nullptr, "a grid axis holds its field's type");
    return *found;
}

// Parses one sweep, naming `source` and the node's position in every error.
class SweepParser : public YamlReader {
public:
    explicit SweepParser(std::string_view source) : YamlReader(source) {}

    SweepSpec parse_sweep(const YAML::Node& node) const {
        if (!node.IsMap()) {
            fail(node,
                 "sweep",
                 "expected a map with label, repetitions, priority, grid, keep_if, drop_if");
        }
        check_keys(node, sweep_keys(), "sweep");
        SweepSpec spec;
        if (!node["label"]) {
            fail(node,
                 "label",
                 "missing: every sweep needs a label (it names the sweep in SQL views)");
        }
        spec.label = scalar(node["label"], "label");
        if (spec.label.empty()) {
            fail(node["label"], "label", "must not be empty");
        }
        constexpr int kMaxRepetitions = 100000;
        if (node["repetitions"]) {
            spec.repetitions = bounded_int(node["repetitions"], "repetitions", 1, kMaxRepetitions);
        }
        constexpr int kMaxPriority = 1'000'000;
        if (node["priority"]) {
            spec.priority = bounded_int(node["priority"], "priority", -kMaxPriority, kMaxPriority);
        }
        parse_grid(node["grid"], node["search"], spec);
        spec.keep_if = conditions(node["keep_if"], "keep_if");
        spec.drop_if = conditions(node["drop_if"], "drop_if");
        return spec;
    }

private:
    // One value of `field` (of type Field) from a YAML scalar; `where` names it in errors.
    template <typename Field>
    Field value(const YAML::Node& item, std::string_view field, std::string_view where) const {
        if constexpr (std::is_same_v<Field, std::string>) {
            std::string name = scalar(item, where);
            if (field == "search_failure") {
                try {
                    return common::parse_failure_rule(name).text();  // one spelling per rule
                } catch (const common::ConfigError& error) {
                    fail(item, where, error.what());
                }
            }
            if (!common::find_dataset(name)) {
                fail(item,
                     where,
                     fmt::format(
                         "unknown dataset '{}' (known: {})", name, common::known_dataset_names()));
            }
            return name;
        } else if constexpr (std::is_same_v<Field, bool>) {
            bool flag = false;
            if (!YAML::convert<bool>::decode(item, flag)) {
                fail(item,
                     where,
                     fmt::format("'{}' is neither true nor false", scalar(item, where)));
            }
            return flag;
        } else if constexpr (std::is_enum_v<Field>) {
            const std::string name = scalar(item, where);
            const auto& table = common::names_of(Field{});
            const auto found = table.find(name);
            if (!found) {
                fail(item,
                     where,
                     fmt::format(
                         "unknown {} '{}' (expected {})", table.what(), name, table.allowed()));
            }
            return *found;
        } else if constexpr (std::is_same_v<Field, std::int64_t>) {
            // size and search_max_size: any positive count
            const std::int64_t count = integer(item, where);
            if (count <= 0) {
                fail(item, where, fmt::format("{} is not a positive parameter count", count));
            }
            return count;
        } else if constexpr (std::is_same_v<Field, int>) {
            const NumberRange& range = range_of(field);
            return bounded_int(item,
                               where,
                               static_cast<std::int64_t>(range.min),
                               static_cast<std::int64_t>(range.max) - 1);
        } else {
            static_assert(std::is_same_v<Field, double>, "a field type sweep files cannot read");
            const NumberRange& range = range_of(field);
            return bounded_real(item, where, range.min, range.max, range.min_inclusive);
        }
    }

    // A size's values (`where` names them): a list, or every power of two in
    // {powers_of_two: [FIRST, LAST]}.
    std::vector<std::int64_t> sizes(const YAML::Node& node,
                                    std::string_view field,
                                    const std::string& where) const {
        if (!node.IsMap()) {
            std::vector<std::int64_t> result;
            for (const auto& item : values(node, where)) {
                result.push_back(value<std::int64_t>(item, field, where));
            }
            return result;
        }
        const YAML::Node range = node["powers_of_two"];
        if (node.size() != 1 || !range || !range.IsSequence() || range.size() != 2) {
            fail(node, where, "expected a list of sizes or {powers_of_two: [FIRST, LAST]}");
        }
        const std::string range_where = fmt::format("{}.powers_of_two", where);
        const int first = bounded_int(range[0], range_where, 0, kMaxPowerOfTwo);
        const int last = bounded_int(range[1], range_where, 0, kMaxPowerOfTwo);
        if (first > last) {
            fail(node, range_where, fmt::format("[{}, {}] is an empty range", first, last));
        }
        std::vector<std::int64_t> result;
        for (int exponent = first; exponent <= last; ++exponent) {
            result.push_back(std::int64_t{1} << exponent);
        }
        return result;
    }

    void parse_grid(const YAML::Node& grid, const YAML::Node& search, SweepSpec& spec) const {
        if (!grid || !grid.IsMap()) {
            fail(grid,
                 "grid",
                 "missing: a sweep needs a grid with at least dataset, shape, depth and size");
        }
        reject_execution_keys(grid, "grid");
        check_keys(grid, grid_keys(), "grid");
        for (const std::string_view required : required_keys()) {
            if (required == "size" && search) {
                if (grid["size"]) {
                    fail(grid["size"],
                         "grid.size",
                         "a search's sizes come from search.start_size and search.max_size");
                }
                continue;
            }
            if (!grid[std::string(required)]) {
                fail(grid, fmt::format("grid.{}", required), "missing");
            }
        }
        std::size_t index = 0;
        common::for_each_experiment_field([&](const auto& entry) {
            using Field = typename std::decay_t<decltype(entry)>::Type;
            const std::string where = fmt::format("grid.{}", entry.name);
            parse_axis<Field>(
                grid[std::string(entry.name)], entry.name, where, axis_at<Field>(spec.grid, index));
            ++index;
        });
        if (search) {
            parse_search(search, spec);
        }
    }

    // `search:` makes every point a search (docs/sweeps.md, "Searches").
    void parse_search(const YAML::Node& search, SweepSpec& spec) const {
        if (!search.IsMap()) {
            fail(search,
                 "search",
                 "expected a map with target, ladder_factor, start_size, max_size, failure and "
                 "monitored");
        }
        check_keys(search, search_keys(), "search");
        if (!search["target"]) {
            fail(search, "search.target", "missing: the monitored loss a search must reach");
        }
        spec.values<&common::ExperimentConfig::kind>() = {common::WorkKind::kSearch};
        spec.values<&common::ExperimentConfig::size>() = {common::SearchSpec{}.start_size};
        std::size_t index = 0;
        common::for_each_experiment_field([&](const auto& entry) {
            using Field = typename std::decay_t<decltype(entry)>::Type;
            for (const SearchKey& key : kSearchKeys) {
                if (key.field == entry.name) {
                    parse_axis<Field>(search[std::string(key.key)],
                                      entry.name,
                                      fmt::format("search.{}", key.key),
                                      axis_at<Field>(spec.grid, index));
                }
            }
            ++index;
        });
    }

    // One axis from `node` (absent: the default stays); `where` names it in errors.
    template <typename Field>
    void parse_axis(const YAML::Node& node,
                    std::string_view name,
                    const std::string& where,
                    std::vector<Field>& out) const {
        if (!node) {
            return;
        }
        if constexpr (std::is_same_v<Field, std::int64_t>) {
            out = sizes(node, name, where);
        } else {
            out.clear();
            for (const auto& item : values(node, where)) {
                out.push_back(value<Field>(item, name, where));
            }
        }
    }

    std::vector<SweepCondition> conditions(const YAML::Node& node, std::string_view field) const {
        std::vector<SweepCondition> result;
        if (!node) {
            return result;
        }
        if (!node.IsSequence()) {
            fail(node, field, "expected a list of conditions such as - {learning_rate: 0.0001}");
        }
        for (const auto& entry : node) {
            if (!entry.IsMap() || entry.size() == 0) {
                fail(entry, field, "each condition is a map of grid fields to values");
            }
            reject_execution_keys(entry, field);
            check_keys(entry, grid_keys(), field);
            SweepCondition condition;
            for (const auto& pair : entry) {
                const std::string key = pair.first.Scalar();
                for (const auto& item : values(pair.second, fmt::format("{}.{}", field, key))) {
                    condition.allowed[key].push_back(condition_value(item, key, field));
                }
            }
            result.push_back(std::move(condition));
        }
        return result;
    }

    // A filter's value as common::field_text writes the field, to compare with a point's.
    std::string condition_value(const YAML::Node& item,
                                const std::string& key,
                                std::string_view field) const {
        const std::string where = fmt::format("{}.{}", field, key);
        std::string text = scalar(item, where);  // a filter value is a scalar, whatever the field
        common::for_each_experiment_field([&](const auto& entry) {
            using Field = typename std::decay_t<decltype(entry)>::Type;
            if (entry.name == key) {
                text = common::field_text(this->template value<Field>(item, key, where));
            }
        });
        return text;
    }

    void reject_execution_keys(const YAML::Node& map, std::string_view where) const {
        for (const auto& pair : map) {
            if (pair.first.IsScalar() && pair.first.Scalar() == "backend") {
                fail(pair.first, fmt::format("{}.backend", where), std::string(kNotAField));
            }
        }
    }
};

}  // namespace

SweepGrid default_grid() {
    SweepGrid grid;
    const common::ExperimentConfig defaults;
    std::size_t index = 0;
    common::visit_experiment_fields(defaults, [&](std::string_view /*name*/, const auto& value) {
        axis_at<std::decay_t<decltype(value)>>(grid, index) = {value};
        ++index;
    });
    return grid;
}

std::vector<SweepSpec> parse_sweeps(std::string_view yaml_text, std::string_view source) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& error) {
        throw common::ConfigError(fmt::format("{}:{}:{}: not valid YAML: {}",
                                              source,
                                              error.mark.line + 1,
                                              error.mark.column + 1,
                                              error.msg));
    }
    const SweepParser parser(source);
    if (!root || root.IsNull()) {
        throw common::ConfigError(
            fmt::format("{}: the file is empty: it needs at least one sweep", source));
    }
    std::vector<SweepSpec> sweeps;
    if (root.IsMap() && root["sweeps"]) {
        if (root.size() != 1) {
            parser.fail(
                root, "sweeps", "a file with a 'sweeps' list may not have other top-level keys");
        }
        const YAML::Node list = root["sweeps"];
        if (!list.IsSequence() || list.size() == 0) {
            parser.fail(list, "sweeps", "expected a non-empty list of sweeps");
        }
        for (const auto& node : list) {
            sweeps.push_back(parser.parse_sweep(node));
        }
    } else {
        sweeps.push_back(parser.parse_sweep(root));
    }
    return sweeps;
}

std::vector<SweepSpec> read_sweep_file(const std::filesystem::path& path) {
    std::ifstream stream(path);
    if (!stream) {
        throw common::ConfigError(fmt::format("cannot read sweep file {}", path.string()));
    }
    std::stringstream text;
    text << stream.rdbuf();
    return parse_sweeps(text.str(), path.string());
}

}  // namespace joulesweep::coordinator
