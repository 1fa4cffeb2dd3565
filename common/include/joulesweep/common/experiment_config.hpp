#pragma once
// One experiment's training configuration: everything that decides what is trained, and
// so what makes two experiments the same. The enqueuer stores it, the coordinator sends
// it to a worker, the worker trains it.
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

struct ExperimentConfig {
    std::string dataset;
    Shape shape = Shape::kRectangle;
    int depth = 0;          // Dense layers including the output layer
    std::int64_t size = 0;  // target trainable parameters
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
    Backend backend = Backend::kAuto;

    bool operator==(const ExperimentConfig&) const = default;
};

// One entry of the field list: a field's name and where it lives.
template <typename Member>
struct ExperimentField {
    std::string_view name;
    Member ExperimentConfig::*member;
};

template <typename Member>
constexpr ExperimentField<Member> field(std::string_view name, Member ExperimentConfig::*member) {
    return {name, member};
}

// THE field list, in name order (the canonical key's order). A field is a std::string,
// int, std::int64_t, double, Shape, OptimizerKind or Backend.
inline constexpr auto kExperimentFields =
    std::make_tuple(field("backend", &ExperimentConfig::backend),
                    field("batch_size", &ExperimentConfig::batch_size),
                    field("dataset", &ExperimentConfig::dataset),
                    field("depth", &ExperimentConfig::depth),
                    field("epochs", &ExperimentConfig::epochs),
                    field("l1", &ExperimentConfig::l1),
                    field("l2", &ExperimentConfig::l2),
                    field("label_noise", &ExperimentConfig::label_noise),
                    field("learning_rate", &ExperimentConfig::learning_rate),
                    field("momentum", &ExperimentConfig::momentum),
                    field("optimizer", &ExperimentConfig::optimizer),
                    field("shape", &ExperimentConfig::shape),
                    field("size", &ExperimentConfig::size),
                    field("test_fraction", &ExperimentConfig::test_fraction),
                    field("validation_fraction", &ExperimentConfig::validation_fraction));

inline constexpr std::size_t kExperimentFieldCount = std::tuple_size_v<decltype(kExperimentFields)>;

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

constexpr const auto& names_of(Backend /*tag*/) noexcept {
    return kBackendNames;
}

// A field's value as text: names for the closed sets, numbers in their shortest
// round-trip form ("0.0001", "1e-07", "256").
std::string field_text(const std::string& value);
std::string field_text(int value);
std::string field_text(std::int64_t value);
std::string field_text(double value);
std::string field_text(Shape value);
std::string field_text(OptimizerKind value);
std::string field_text(Backend value);

// Parses what field_text() wrote; throws ConfigError naming the field otherwise.
void parse_field_text(std::string_view field, std::string_view text, std::string& out);
void parse_field_text(std::string_view field, std::string_view text, int& out);
void parse_field_text(std::string_view field, std::string_view text, std::int64_t& out);
void parse_field_text(std::string_view field, std::string_view text, double& out);
void parse_field_text(std::string_view field, std::string_view text, Shape& out);
void parse_field_text(std::string_view field, std::string_view text, OptimizerKind& out);
void parse_field_text(std::string_view field, std::string_view text, Backend& out);

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
