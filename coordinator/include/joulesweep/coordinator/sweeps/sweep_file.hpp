#pragma once
// Sweep files: a human-written YAML description of Cartesian products of experiment
// configurations, with filters, repetitions, priority and a label (docs/sweeps.md).
// Parsing checks every field and value and reports the first problem with its file,
// line and column; nothing is enqueued from a file that does not parse whole.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"

namespace joulesweep::coordinator {

// A filter entry: a point matches when, for every field named, its value is one of the
// listed values (each value as common::field_text writes it: 1e-4 equals 0.0001).
struct SweepCondition {
    std::map<std::string, std::vector<std::string>> allowed;
};

template <typename T>
using SweepValues = std::vector<T>;

// The grid: for each experiment field, in the field list's order, the values it takes.
// Every combination is a point.
using SweepGrid = common::PerExperimentField<SweepValues>;

// ExperimentConfig's default as the only value of every field.
SweepGrid default_grid();

struct SweepSpec {
    std::string label;    // BUTTER's "batch": names the sweep in SQL views
    int repetitions = 1;  // runs per experiment, each with its own seed
    int priority = 0;     // higher is claimed first
    SweepGrid grid = default_grid();
    // Keep a point only if it matches one of keep_if (when there are any) and none of drop_if.
    std::vector<SweepCondition> keep_if;
    std::vector<SweepCondition> drop_if;

    // One field's values: values<&common::ExperimentConfig::depth>().
    template <auto Member>
    auto& values() {
        return std::get<common::experiment_field_index<Member>()>(grid);
    }

    template <auto Member>
    const auto& values() const {
        return std::get<common::experiment_field_index<Member>()>(grid);
    }
};

// Parses YAML text; `source` names it in errors ("sweeps.yaml"). Throws ConfigError
// "source:line:column: field: problem (value)" for the first problem found.
std::vector<SweepSpec> parse_sweeps(std::string_view yaml_text, std::string_view source);

// Reads and parses a sweep file; a missing or unreadable file is a ConfigError.
std::vector<SweepSpec> read_sweep_file(const std::filesystem::path& path);

}  // namespace joulesweep::coordinator
