#include "joulesweep/coordinator/sweeps/sweep_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
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

#include "yaml_reader.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr int kMaxPowerOfTwo = 40;

const Words& sweep_keys() {
    static const Words words{"label", "repetitions", "priority", "grid", "keep_if", "drop_if"};
    return words;
}

// A grid has one axis per experiment field.
const Words& grid_keys() {
    static const Words words = common::experiment_field_names();
    return words;
}

// The fields compared as written (names); the others are numbers.
const Words& named_fields() {
    static const Words words = [] {
        Words named;
        const common::ExperimentConfig config;
        common::visit_experiment_fields(config, [&named](std::string_view name, const auto& value) {
            using Field = std::decay_t<decltype(value)>;
            if (std::is_same_v<Field, std::string> || std::is_enum_v<Field>) {
                named.push_back(name);
            }
        });
        return named;
    }();
    return words;
}

// Parses one sweep, naming `source` and the node's position in every error.
class SweepParser : public YamlReader {
public:
    explicit SweepParser(std::string_view source) : YamlReader(source) {}

    std::vector<std::int64_t> sizes(const YAML::Node& node) const {
        if (node.IsMap()) {
            const YAML::Node range = node["powers_of_two"];
            if (node.size() != 1 || !range || !range.IsSequence() || range.size() != 2) {
                fail(node,
                     "grid.size",
                     "expected a list of sizes or {powers_of_two: [FIRST, LAST]}");
            }
            const int first = bounded_int(range[0], "grid.size.powers_of_two", 0, kMaxPowerOfTwo);
            const int last = bounded_int(range[1], "grid.size.powers_of_two", 0, kMaxPowerOfTwo);
            if (first > last) {
                fail(node,
                     "grid.size.powers_of_two",
                     fmt::format("[{}, {}] is an empty range", first, last));
            }
            std::vector<std::int64_t> result;
            for (int exponent = first; exponent <= last; ++exponent) {
                result.push_back(std::int64_t{1} << exponent);
            }
            return result;
        }
        std::vector<std::int64_t> result;
        for (const auto& item : values(node, "grid.size")) {
            const std::int64_t size = integer(item, "grid.size");
            if (size <= 0) {
                fail(item, "grid.size", fmt::format("{} is not a positive parameter count", size));
            }
            result.push_back(size);
        }
        return result;
    }

    void parse_grid(const YAML::Node& grid, SweepSpec& spec) const {
        if (!grid || !grid.IsMap()) {
            fail(grid,
                 "grid",
                 "missing: a sweep needs a grid with at least dataset, shape, depth and size");
        }
        check_keys(grid, grid_keys(), "grid");
        for (const char* required : {"dataset", "shape", "depth", "size"}) {
            if (!grid[required]) {
                fail(grid, fmt::format("grid.{}", required), "missing");
            }
        }
        for (const auto& item : values(grid["dataset"], "grid.dataset")) {
            const std::string name = scalar(item, "grid.dataset");
            if (!common::find_dataset(name)) {
                fail(item,
                     "grid.dataset",
                     fmt::format(
                         "unknown dataset '{}' (known: {})", name, common::known_dataset_names()));
            }
            spec.datasets.push_back(name);
        }
        for (const auto& item : values(grid["shape"], "grid.shape")) {
            const std::string name = scalar(item, "grid.shape");
            const auto shape = common::kShapeNames.find(name);
            if (!shape) {
                fail(item,
                     "grid.shape",
                     fmt::format(
                         "unknown shape '{}' (expected {})", name, common::kShapeNames.allowed()));
            }
            spec.shapes.push_back(*shape);
        }
        for (const auto& item : values(grid["depth"], "grid.depth")) {
            spec.depths.push_back(
                bounded_int(item, "grid.depth", common::kMinDepth, common::kMaxDepth));
        }
        spec.sizes = sizes(grid["size"]);
        parse_optional_axes(grid, spec);
    }

    void parse_optional_axes(const YAML::Node& grid, SweepSpec& spec) const {
        const auto reals = [&](const char* field,
                               std::vector<double>& out,
                               double min,
                               double max,
                               bool inclusive) {
            if (const YAML::Node node = grid[field]) {
                out.clear();
                for (const auto& item : values(node, fmt::format("grid.{}", field))) {
                    out.push_back(
                        bounded_real(item, fmt::format("grid.{}", field), min, max, inclusive));
                }
            }
        };
        const auto ints = [&](const char* field, std::vector<int>& out, std::int64_t max) {
            if (const YAML::Node node = grid[field]) {
                out.clear();
                for (const auto& item : values(node, fmt::format("grid.{}", field))) {
                    out.push_back(bounded_int(item, fmt::format("grid.{}", field), 1, max));
                }
            }
        };
        const auto names = [&](const char* field, auto& out, const auto& table) {
            if (const YAML::Node node = grid[field]) {
                out.clear();
                for (const auto& item : values(node, fmt::format("grid.{}", field))) {
                    const std::string name = scalar(item, field);
                    const auto value = table.find(name);
                    if (!value) {
                        fail(item,
                             fmt::format("grid.{}", field),
                             fmt::format("unknown {} '{}' (expected {})",
                                         table.what(),
                                         name,
                                         table.allowed()));
                    }
                    out.push_back(*value);
                }
            }
        };
        constexpr double kUnbounded = 1e300;
        constexpr int kMaxBatchSize = 1 << 24;
        constexpr int kMaxEpochs = 10'000'000;
        reals("learning_rate", spec.learning_rates, 0.0, kUnbounded, false);
        ints("batch_size", spec.batch_sizes, kMaxBatchSize);
        names("optimizer", spec.optimizers, common::kOptimizerNames);
        reals("momentum", spec.momenta, 0.0, 1.0, true);
        reals("l1", spec.l1s, 0.0, kUnbounded, true);
        reals("l2", spec.l2s, 0.0, kUnbounded, true);
        reals("label_noise", spec.label_noises, 0.0, 1.0, true);
        ints("epochs", spec.epochs, kMaxEpochs);
        reals("test_fraction", spec.test_fractions, 0.0, 1.0, false);
        reals("validation_fraction", spec.validation_fractions, 0.0, 1.0, true);
        names("backend", spec.backends, common::kBackendNames);
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

    // Numbers are compared in canonical form; names as written.
    std::string condition_value(const YAML::Node& item,
                                const std::string& key,
                                std::string_view field) const {
        if (is_one_of(named_fields(), key)) {
            return scalar(item, fmt::format("{}.{}", field, key));
        }
        return canonical_value(real(item, fmt::format("{}.{}", field, key)));
    }

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
        parse_grid(node["grid"], spec);
        spec.keep_if = conditions(node["keep_if"], "keep_if");
        spec.drop_if = conditions(node["drop_if"], "drop_if");
        return spec;
    }
};

}  // namespace

std::string canonical_value(double value) {
    return fmt::format("{}", value);
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
