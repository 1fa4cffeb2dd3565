#include "joulesweep/common/experiment_config.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/size_search.hpp"

namespace joulesweep::common {
namespace {

template <typename Number>
void parse_number(std::string_view field, std::string_view text, Number& out) {
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw ConfigError(fmt::format("{}: '{}' is not a number", field, text));
    }
    out = value;
}

template <typename Enum, std::size_t N>
void parse_name(const NameTable<Enum, N>& table,
                std::string_view field,
                std::string_view text,
                Enum& out) {
    const auto value = table.find(text);
    if (!value) {
        throw ConfigError(fmt::format(
            "{}: unknown {} '{}' (expected {})", field, table.what(), text, table.allowed()));
    }
    out = *value;
}

}  // namespace

std::string field_text(const std::string& value) {
    return value;
}

std::string field_text(bool value) {
    return value ? "true" : "false";
}

std::string field_text(int value) {
    return fmt::format("{}", value);
}

std::string field_text(std::int64_t value) {
    return fmt::format("{}", value);
}

// fmt's "{}" prints doubles in their shortest round-trip form: 1e-4 and 0.0001 agree.
std::string field_text(double value) {
    return fmt::format("{}", value);
}

std::string field_text(Shape value) {
    return std::string(kShapeNames.name(value));
}

std::string field_text(OptimizerKind value) {
    return std::string(kOptimizerNames.name(value));
}

std::string field_text(WorkKind value) {
    return std::string(kWorkKindNames.name(value));
}

std::string field_text(MonitoredSeries value) {
    return std::string(kMonitoredSeriesNames.name(value));
}

void parse_field_text(std::string_view /*field*/, std::string_view text, std::string& out) {
    out = std::string(text);
}

void parse_field_text(std::string_view field, std::string_view text, bool& out) {
    if (text == "true" || text == "t") {
        out = true;
    } else if (text == "false" || text == "f") {
        out = false;
    } else {
        throw ConfigError(fmt::format("{}: '{}' is neither true nor false", field, text));
    }
}

void parse_field_text(std::string_view field, std::string_view text, int& out) {
    parse_number(field, text, out);
}

void parse_field_text(std::string_view field, std::string_view text, std::int64_t& out) {
    parse_number(field, text, out);
}

void parse_field_text(std::string_view field, std::string_view text, double& out) {
    parse_number(field, text, out);
}

void parse_field_text(std::string_view field, std::string_view text, Shape& out) {
    parse_name(kShapeNames, field, text, out);
}

void parse_field_text(std::string_view field, std::string_view text, OptimizerKind& out) {
    parse_name(kOptimizerNames, field, text, out);
}

void parse_field_text(std::string_view field, std::string_view text, WorkKind& out) {
    parse_name(kWorkKindNames, field, text, out);
}

void parse_field_text(std::string_view field, std::string_view text, MonitoredSeries& out) {
    parse_name(kMonitoredSeriesNames, field, text, out);
}

std::vector<std::string_view> experiment_field_names() {
    std::vector<std::string_view> names;
    const ExperimentConfig config;
    visit_experiment_fields(
        config, [&names](std::string_view name, const auto& /*value*/) { names.push_back(name); });
    return names;
}

std::string experiment_field_list(std::string_view prefix) {
    std::string list;
    for (const std::string_view name : experiment_field_names()) {
        if (!list.empty()) {
            list += ", ";
        }
        list += prefix;
        list += name;
    }
    return list;
}

std::string canonical_key(const ExperimentConfig& config) {
    std::string key;
    const bool search = config.kind == WorkKind::kSearch;
    for_each_experiment_field([&](const auto& entry) {
        if (entry.scope == FieldScope::kSearch && !search) {
            return;
        }
        if (!key.empty()) {
            key += ';';
        }
        key += entry.name;
        key += '=';
        key += field_text(config.*(entry.member));
    });
    return key;
}

std::string to_json(const ExperimentConfig& config, JsonFields fields) {
    nlohmann::json json = nlohmann::json::object();
    const bool search = config.kind == WorkKind::kSearch || fields == JsonFields::kEvery;
    for_each_experiment_field([&](const auto& entry) {
        using Field = typename std::decay_t<decltype(entry)>::Type;
        if (entry.scope == FieldScope::kSearch && !search) {
            return;
        }
        const Field& value = config.*(entry.member);
        if constexpr (std::is_enum_v<Field>) {
            json[std::string(entry.name)] = field_text(value);
        } else {
            json[std::string(entry.name)] = value;
        }
    });
    return json.dump();
}

namespace {

// The search fields' problems, through find_problem's `require`.
template <typename Require>
void add_search_problems(const ExperimentConfig& c, Require& require) {
    require(std::isfinite(c.search_target) && c.search_target > 0, "search_target", [&] {
        return fmt::format("{} is not a loss above 0", c.search_target);
    });
    require(std::isfinite(c.search_ladder) && c.search_ladder > 1, "search_ladder", [&] {
        return fmt::format("{} is not a factor above 1", c.search_ladder);
    });
    require(c.search_max_size >= c.size, "search_max_size", [&] {
        return fmt::format("{} is below the first size {}", c.search_max_size, c.size);
    });
    std::string rule_problem;
    try {
        const std::string canonical = parse_failure_rule(c.search_failure).text();
        if (canonical != c.search_failure) {
            rule_problem = fmt::format("write '{}' as '{}'", c.search_failure, canonical);
        }
    } catch (const ConfigError& error) {
        rule_problem = error.what();
    }
    require(rule_problem.empty(), "search_failure", [&] { return rule_problem; });
    require(c.search_monitored != MonitoredSeries::kValidation || c.validation_fraction > 0,
            "search_monitored",
            [] {
                return std::string(
                    "validation needs validation_fraction above 0 (or monitor test, as BUTTER)");
            });
}

}  // namespace

std::optional<FieldProblem> find_problem(const ExperimentConfig& config) {
    // Each problem's text is formatted only when it is the one reported: a sweep checks
    // every point of its grid.
    std::optional<FieldProblem> found;
    const auto require = [&found](bool holds, std::string_view field, const auto& problem) {
        if (!holds && !found) {
            found = FieldProblem{field, problem()};
        }
    };
    const ExperimentConfig& c = config;
    require(!c.dataset.empty(), "dataset", [] { return std::string("must name a dataset"); });
    require(kShapeNames.name(c.shape) != "unknown", "shape", [&] {
        return fmt::format("unknown shape value {}", static_cast<int>(c.shape));
    });
    require(c.depth >= kMinDepth && c.depth <= kMaxDepth, "depth", [&] {
        return fmt::format("{} is outside {}..{}", c.depth, kMinDepth, kMaxDepth);
    });
    require(c.size >= 1, "size", [&] { return fmt::format("{} is not a positive size", c.size); });
    require(std::isfinite(c.learning_rate) && c.learning_rate > 0, "learning_rate", [&] {
        return fmt::format("{} is not above 0", c.learning_rate);
    });
    require(c.batch_size >= 1, "batch_size", [&] {
        return fmt::format("{} is not a positive batch size", c.batch_size);
    });
    require(c.epochs >= 1, "epochs", [&] {
        return fmt::format("{} is not a positive count", c.epochs);
    });
    require(c.momentum >= 0 && c.momentum <= 1, "momentum", [&] {
        return fmt::format("{} is outside 0..1", c.momentum);
    });
    require(takes_momentum(c.optimizer) || c.momentum == 0, "momentum", [&] {
        return fmt::format(
            "{} does not apply to {}", c.momentum, kOptimizerNames.name(c.optimizer));
    });
    require(std::isfinite(c.l1) && c.l1 >= 0, "l1", [&] {
        return fmt::format("{} is not a penalty of 0 or more", c.l1);
    });
    require(std::isfinite(c.l2) && c.l2 >= 0, "l2", [&] {
        return fmt::format("{} is not a penalty of 0 or more", c.l2);
    });
    // A label noise of 1 would leave no true label to learn from.
    require(c.label_noise >= 0 && c.label_noise < 1, "label_noise", [&] {
        return fmt::format("{} is outside [0, 1)", c.label_noise);
    });
    require(c.test_fraction > 0 && c.test_fraction < 1, "test_fraction", [&] {
        return fmt::format("{} is outside (0, 1)", c.test_fraction);
    });
    require(c.validation_fraction >= 0 && c.validation_fraction < 1, "validation_fraction", [&] {
        return fmt::format("{} is outside [0, 1)", c.validation_fraction);
    });
    require(c.test_fraction + c.validation_fraction < 1, "validation_fraction", [&] {
        return fmt::format("test_fraction {} plus validation_fraction {} leaves no training data",
                           c.test_fraction,
                           c.validation_fraction);
    });
    if (c.kind == WorkKind::kSearch) {
        add_search_problems(c, require);
    } else {
        // A search field set on a fixed-size run would be silently ignored.
        const ExperimentConfig defaults;
        for_each_experiment_field([&](const auto& entry) {
            require(
                entry.scope == FieldScope::kEvery || c.*(entry.member) == defaults.*(entry.member),
                entry.name,
                [&] { return std::string("applies only to kind search"); });
        });
    }
    return found;
}

void validate(const ExperimentConfig& config) {
    if (const auto problem = find_problem(config)) {
        throw ConfigError(fmt::format("{}: {}", problem->field, problem->problem));
    }
}

}  // namespace joulesweep::common
