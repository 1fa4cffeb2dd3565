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

    bool operator==(const ExperimentConfig&) const = default;
};

// One entry of the field list: a field's name, where it lives and what it means (for
// `train --help` and error messages).
template <typename Member>
struct ExperimentField {
    using Type = Member;
    std::string_view name;
    Member ExperimentConfig::*member;
    std::string_view meaning;
};

template <typename Member>
constexpr ExperimentField<Member> field(std::string_view name,
                                        Member ExperimentConfig::*member,
                                        std::string_view meaning) {
    return {name, member, meaning};
}

// THE field list, in name order (the canonical key's order). A field is a std::string,
// bool, int, std::int64_t, double, Shape or OptimizerKind.
inline constexpr auto kExperimentFields = std::make_tuple(
    field("batch_size", &ExperimentConfig::batch_size, "training rows per gradient step"),
    field("dataset", &ExperimentConfig::dataset, "one of BUTTER's 13 datasets"),
    field("depth", &ExperimentConfig::depth, "Dense layers, the output layer included"),
    field("epochs", &ExperimentConfig::epochs, "passes over the training rows"),
    field("l1", &ExperimentConfig::l1, "kernel L1 penalty"),
    field("l2", &ExperimentConfig::l2, "kernel L2 penalty"),
    field("label_noise", &ExperimentConfig::label_noise, "fraction of training labels corrupted"),
    field("learning_rate", &ExperimentConfig::learning_rate, "the optimizer's step size"),
    field("momentum", &ExperimentConfig::momentum, "rmsprop and sgd only"),
    field("optimizer", &ExperimentConfig::optimizer, "adam, adagrad, rmsprop or sgd (Keras 2.x)"),
    field("shape",
          &ExperimentConfig::shape,
          "rectangle, trapezoid, exponential, wide_first_{2,4,8,16}x or rectangle_residual"),
    field("shuffle",
          &ExperimentConfig::shuffle,
          "true: a new batch order every epoch; false: the same order every epoch (BUTTER-E)"),
    field("size", &ExperimentConfig::size, "target number of trainable parameters (within 20%)"),
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

// A field's value as text: names for the closed sets, numbers in their shortest
// round-trip form ("0.0001", "1e-07", "256"), booleans as true and false.
std::string field_text(const std::string& value);
std::string field_text(bool value);
std::string field_text(int value);
std::string field_text(std::int64_t value);
std::string field_text(double value);
std::string field_text(Shape value);
std::string field_text(OptimizerKind value);

// Parses what field_text() wrote (and PostgreSQL's t and f for booleans); throws
// ConfigError naming the field otherwise.
void parse_field_text(std::string_view field, std::string_view text, std::string& out);
void parse_field_text(std::string_view field, std::string_view text, bool& out);
void parse_field_text(std::string_view field, std::string_view text, int& out);
void parse_field_text(std::string_view field, std::string_view text, std::int64_t& out);
void parse_field_text(std::string_view field, std::string_view text, double& out);
void parse_field_text(std::string_view field, std::string_view text, Shape& out);
void parse_field_text(std::string_view field, std::string_view text, OptimizerKind& out);

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
// name order, numbers in their shortest round-trip form. Equal configurations have
// equal keys on every machine.
std::string canonical_key(const ExperimentConfig& config);

// The configuration as a JSON object with the same fields (closed sets by name).
std::string to_json(const ExperimentConfig& config);

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
