#pragma once
// Sweep files: a human-written YAML description of Cartesian products of experiment
// configurations, with filters, repetitions, priority and a label (docs/sweeps.md).
// Parsing checks every field and value and reports the first problem with its file,
// line and column; nothing is enqueued from a file that does not parse whole.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/topology.hpp"
#include "joulesweep/common/training_choices.hpp"

namespace joulesweep::coordinator {

// A filter entry: a point matches when, for every field named, its value is one of the
// listed values (values compared in canonical text form: 1e-4 equals 0.0001).
struct SweepCondition {
    std::map<std::string, std::vector<std::string>> allowed;
};

struct SweepSpec {
    std::string label;    // BUTTER's "batch": names the sweep in SQL views
    int repetitions = 1;  // runs per experiment, each with its own seed
    int priority = 0;     // higher is claimed first
    // The grid: every combination of these values is a point.
    std::vector<std::string> datasets;
    std::vector<common::Shape> shapes;
    std::vector<int> depths;
    std::vector<std::int64_t> sizes;
    std::vector<double> learning_rates{1e-4};
    std::vector<int> batch_sizes{256};
    std::vector<common::OptimizerKind> optimizers{common::OptimizerKind::kAdam};
    std::vector<double> momenta{0.0};
    std::vector<double> l1s{0.0};
    std::vector<double> l2s{0.0};
    std::vector<double> label_noises{0.0};
    std::vector<int> epochs{3000};
    std::vector<double> test_fractions{0.2};
    std::vector<double> validation_fractions{0.0};
    std::vector<common::Backend> backends{common::Backend::kAuto};
    // Keep a point only if it matches one of keep_if (when there are any) and none of drop_if.
    std::vector<SweepCondition> keep_if;
    std::vector<SweepCondition> drop_if;
};

// Parses YAML text; `source` names it in errors ("sweeps.yaml"). Throws ConfigError
// "source:line:column: field: problem (value)" for the first problem found.
std::vector<SweepSpec> parse_sweeps(std::string_view yaml_text, std::string_view source);

// Reads and parses a sweep file; a missing or unreadable file is a ConfigError.
std::vector<SweepSpec> read_sweep_file(const std::filesystem::path& path);

// The canonical text of a grid value for filters: numbers in shortest round-trip form.
std::string canonical_value(double value);

}  // namespace joulesweep::coordinator
