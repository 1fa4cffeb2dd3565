#include "every_field.hpp"

#include <string>
#include <type_traits>

namespace joulesweep::testing {

common::ExperimentConfig every_field_set() {
    common::ExperimentConfig config;
    common::visit_experiment_fields(config, [](std::string_view name, auto& value) {
        using Field = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Field, std::string>) {
            value = name == "search_failure" ? "cap(30)" : "banana";
        } else if constexpr (std::is_same_v<Field, bool>) {
            value = !value;
        } else if constexpr (std::is_enum_v<Field>) {
            value = common::names_of(value).entries().back().value;  // never the default
        } else if constexpr (std::is_floating_point_v<Field>) {
            value = value * 0.5 + 0.0625;  // an odd binary fraction, below 1 for fractions
        } else {
            value = value + 3;
        }
    });
    return config;
}

common::ExperimentConfig every_run_field_set() {
    common::ExperimentConfig config = every_field_set();
    const common::ExperimentConfig defaults;
    common::for_each_experiment_field([&](const auto& entry) {
        if (entry.scope == common::FieldScope::kSearch) {
            config.*(entry.member) = defaults.*(entry.member);
        }
    });
    return config;
}

}  // namespace joulesweep::testing
