#pragma once
// One experiment's training configuration: everything that decides what is trained, and
// so what makes two experiments the same. The enqueuer stores it, the coordinator sends
// it to a worker, the worker trains it. How a run is executed (backend, threads) is not
// part of it: each run records those as provenance (RunResult).
//
// Its fields are declared once, in kExperimentFields. The canonical key, the
// JSON, the wire protocol, the COPY into PostgreSQL and the queue's read-back all walk
// that list; adding a field is one line there, a member here and a migration
// (docs/architecture.md, "Adding a field").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "joulesweep/common/topology.hpp"
#include "joulesweep/common/training_choices.hpp"

namespace joulesweep::common {

// The defaults are BUTTER's primary sweep point (Adam at 1e-4, batch 256, 3000 epochs,
// shuffled every epoch), the one set of defaults for sweep files and `train`. A sweep must
// name dataset, shape, depth and size; `train` needs only the dataset and otherwise trains
// a 3-layer rectangle of 1024 parameters.
struct ExperimentConfig {
    std::string dataset;
    Shape shape = Shape::kRectangle;
    int depth = 3;             // Dense layers including the output layer
    std::int64_t size = 1024;  // target trainable parameters
    double learning_rate = 1e-4;
    int batch_size = 256;
    OptimizerKind optimizer = OptimizerKind::kAdam;
    double momentum = 0.0;  // rmsprop and sgd only
    double l1 = 0.0;        // kernel penalty weights
    double l2 = 0.0;
    double label_noise = 0.0;
    int epochs = 3000;
    double test_fraction = 0.2;
    double validation_fraction = 0.0;
    bool shuffle = true;  // reshuffle the training rows every epoch (false: BUTTER-E's fixed order)
    // kSearch: size is the ladder's first size and epochs each attempt's cap; the search_*
    // fields say the rest (docs/train-for-less.md). A run leaves them at their defaults.
    WorkKind kind = WorkKind::kRun;
    double search_target = 0.0;  // the monitored loss to reach
    double search_ladder = 2.0;  // each size is this many times the one before
    std::int64_t search_max_size = std::int64_t{1} << 24;
    std::string search_failure = "proportional(0.001, 16)";  // common::parse_failure_rule
    MonitoredSeries search_monitored = MonitoredSeries::kValidation;

    bool operator==(const ExperimentConfig&) const = default;
};

// Which experiments a field describes: every one, or only searches (the canonical key
// names a search-only field for a search alone, so the keys of fixed-size runs do not
// change as kinds of work are added).
enum class FieldScope : std::int8_t { kEvery, kSearch };

// One entry of the field list: a field's name, where it lives, what it means (for
// `train --help` and error messages) and its scope.
template <typename Member>
struct ExperimentField {
    using Type = Member;
    std::string_view name;
    Member ExperimentConfig::*member;
    std::string_view meaning;
    FieldScope scope = FieldScope::kEvery;
};

template <typename Member>
constexpr ExperimentField<Member> field(std::string_view name,
                                        Member ExperimentConfig::*member,
                                        std::string_view meaning,
                                        FieldScope scope = FieldScope::kEvery) {
    return {name, member, meaning, scope};
}

// THE field list, in name order (the canonical key's order). A field is a std::string,
// bool, int, std::int64_t, double, Shape, OptimizerKind, WorkKind or MonitoredSeries.
inline constexpr auto kExperimentFields = std::make_tuple(
    field("batch_size", &ExperimentConfig::batch_size, "training rows per gradient step"),
    field("dataset", &ExperimentConfig::dataset, "one of BUTTER's 13 datasets or an imported one"),
    field("depth", &ExperimentConfig::depth, "Dense layers, the output layer included"),
    field("epochs",
          &ExperimentConfig::epochs,
          "passes over the training rows (a search: per attempt, its cap)"),
    field("kind",
          &ExperimentConfig::kind,
          "run: one network of the given size; search: sizes from it up until one reaches "
          "search_target",
          FieldScope::kSearch),
    field("l1", &ExperimentConfig::l1, "kernel L1 penalty"),
    field("l2", &ExperimentConfig::l2, "kernel L2 penalty"),
    field("label_noise", &ExperimentConfig::label_noise, "fraction of training labels corrupted"),
    field("learning_rate", &ExperimentConfig::learning_rate, "the optimizer's step size"),
    field("momentum", &ExperimentConfig::momentum, "rmsprop and sgd only"),
    field("optimizer", &ExperimentConfig::optimizer, "adam, adagrad, rmsprop or sgd (Keras 2.x)"),
    field("search_failure",
          &ExperimentConfig::search_failure,
          "when an attempt is given up: proportional(DELTA, PATIENCE), full, cap(EPOCHS) or "
          "cost_cap(FACTOR)",
          FieldScope::kSearch),
    field("search_ladder",
          &ExperimentConfig::search_ladder,
          "a search's size factor from one attempt to the next",
          FieldScope::kSearch),
    field("search_max_size",
          &ExperimentConfig::search_max_size,
          "a search's largest size",
          FieldScope::kSearch),
    field("search_monitored",
          &ExperimentConfig::search_monitored,
          "the loss a search watches: validation, or test (BUTTER-compatible)",
          FieldScope::kSearch),
    field("search_target",
          &ExperimentConfig::search_target,
          "the monitored loss a search must reach",
          FieldScope::kSearch),
    field("shape",
          &ExperimentConfig::shape,
          "rectangle, trapezoid, exponential, wide_first_{2,4,8,16}x or rectangle_residual"),
    field("shuffle",
          &ExperimentConfig::shuffle,
          "true: a new batch order every epoch; false: the same order every epoch (BUTTER-E)"),
    field("size",
          &ExperimentConfig::size,
          "target number of trainable parameters (within 20%; a search: its first size)"),
    field("test_fraction", &ExperimentConfig::test_fraction, "rows held out as the test set"),
    field("validation_fraction",
          &ExperimentConfig::validation_fraction,
          "rows held out and evaluated after every epoch as validation_* (0: none, as BUTTER)"));

// A tuple with Wrap<T> for each field's type T, in field order: a sweep's grid holds
// one std::vector of values per field.
template <template <typename> class Wrap>
using PerExperimentField = decltype(std::apply(
    [](const auto&... entry) {
        return std::tuple<Wrap<typename std::decay_t<decltype(entry)>::Type>...>{};
    },
    kExperimentFields));

inline constexpr std::size_t kExperimentFieldCount = std::tuple_size_v<decltype(kExperimentFields)>;

// Calls visit(entry) for every entry of kExperimentFields (its name, member and meaning).
template <typename Visitor>
constexpr void for_each_experiment_field(Visitor&& visit) {
    std::apply([&visit](const auto&... entry) { (visit(entry), ...); }, kExperimentFields);
}

// The position of a field in kExperimentFields: experiment_field_index<&ExperimentConfig::depth>().
template <auto Member>
constexpr std::size_t experiment_field_index() {
    std::size_t index = 0;
    std::size_t found = kExperimentFieldCount;
    for_each_experiment_field([&](const auto& entry) {
        if constexpr (std::is_same_v<decltype(entry.member), decltype(Member)>) {
            if (entry.member == Member) {
                found = index;
            }
        }
        ++index;
    });
    return found;
}

// Calls visit(name, field) for every field of kExperimentFields, in order. `Config` is
// ExperimentConfig or const ExperimentConfig.
template <typename Config, typename Visitor>
requires std::is_same_v<std::remove_const_t<Config>, ExperimentConfig>

constexpr void visit_experiment_fields(Config& config, Visitor&& visit) {
    std::apply([&](const auto&... entry) { (visit(entry.name, config.*(entry.member)), ...); },
               kExperimentFields);
}

// The name table of each closed set a field can hold, for code generic over fields.
constexpr const auto& names_of(Shape /*tag*/) noexcept {
    return kShapeNames;
}

constexpr const auto& names_of(OptimizerKind /*tag*/) noexcept {
    return kOptimizerNames;
}

constexpr const auto& names_of(WorkKind /*tag*/) noexcept {
    return kWorkKindNames;
}

constexpr const auto& names_of(MonitoredSeries /*tag*/) noexcept {
    return kMonitoredSeriesNames;
}

// A field's value as text: names for the closed sets, numbers in their shortest
// round-trip form ("0.0001", "1e-07", "256"), booleans as true and false.
std::string field_text(const std::string& value);
std::string field_text(bool value);
std::string field_text(int value);
std::string field_text(std::int64_t value);
std::string field_text(double value);
std::string field_text(Shape value);
std::string field_text(OptimizerKind value);
std::string field_text(WorkKind value);
std::string field_text(MonitoredSeries value);

// Parses what field_text() wrote (and PostgreSQL's t and f for booleans); throws
// ConfigError naming the field otherwise.
void parse_field_text(std::string_view field, std::string_view text, std::string& out);
void parse_field_text(std::string_view field, std::string_view text, bool& out);
void parse_field_text(std::string_view field, std::string_view text, int& out);
void parse_field_text(std::string_view field, std::string_view text, std::int64_t& out);
void parse_field_text(std::string_view field, std::string_view text, double& out);
void parse_field_text(std::string_view field, std::string_view text, Shape& out);
void parse_field_text(std::string_view field, std::string_view text, OptimizerKind& out);
void parse_field_text(std::string_view field, std::string_view text, WorkKind& out);
void parse_field_text(std::string_view field, std::string_view text, MonitoredSeries& out);

// Every field's name, in visit order.
std::vector<std::string_view> experiment_field_names();

// ", "-joined field names with `prefix` before each: SQL column lists ("r." for a
// record's columns).
std::string experiment_field_list(std::string_view prefix = "");

// A configuration from each field's text as field_text() writes it, looked up by name
// with text_of(name) (a database row, a CSV line). Throws ConfigError naming the field.
template <typename TextOf>
ExperimentConfig config_from_texts(TextOf&& text_of) {
    ExperimentConfig config;
    visit_experiment_fields(config, [&text_of](std::string_view name, auto& value) {
        parse_field_text(name, text_of(name), value);
    });
    return config;
}

// The canonical identity of a configuration: "field=value;..." over every field in
// name order, numbers in their shortest round-trip form; the search-only fields
// (FieldScope::kSearch) for a search alone. Equal configurations have equal keys on
// every machine.
std::string canonical_key(const ExperimentConfig& config);

// The configuration as a JSON object (closed sets by name): the fields of its key, or
// every field.
enum class JsonFields : std::int8_t { kAsKey, kEvery };
std::string to_json(const ExperimentConfig& config, JsonFields fields = JsonFields::kAsKey);

// The first field out of its range, or in a combination that cannot train (momentum
// with adam; test and validation leaving no training data), with what is wrong with it.
// The one check behind sweep files, `train`'s flags and the worker; it does not look the
// dataset up (the catalog and the prepared files do).
struct FieldProblem {
    std::string_view field;  // "depth", "momentum", ...
    std::string problem;     // "1 is outside 2..1000"
};

std::optional<FieldProblem> find_problem(const ExperimentConfig& config);

// Throws ConfigError "<field>: <problem>" for the first problem.
void validate(const ExperimentConfig& config);

}  // namespace joulesweep::common
