#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {
namespace {

// The text a filter compares for one field of a point (see SweepCondition): names as
// written, numbers in canonical form.
std::string field_text(const common::ExperimentConfig& config, const std::string& field) {
    std::string text;
    common::visit_experiment_fields(config, [&](std::string_view name, const auto& value) {
        if (name != field) {
            return;
        }
        using Field = std::decay_t<decltype(value)>;
        if constexpr (std::is_arithmetic_v<Field>) {
            text = canonical_value(static_cast<double>(value));
        } else {
            text = common::field_text(value);
        }
    });
    return text;
}

bool matches(const SweepCondition& condition, const common::ExperimentConfig& config) {
    return std::all_of(condition.allowed.begin(), condition.allowed.end(), [&](const auto& entry) {
        const std::string value = field_text(config, entry.first);
        return std::find(entry.second.begin(), entry.second.end(), value) != entry.second.end();
    });
}

bool keeps(const SweepSpec& sweep, const common::ExperimentConfig& config) {
    const auto matches_config = [&](const SweepCondition& condition) {
        return matches(condition, config);
    };
    if (!sweep.keep_if.empty() &&
        std::none_of(sweep.keep_if.begin(), sweep.keep_if.end(), matches_config)) {
        return false;
    }
    return std::none_of(sweep.drop_if.begin(), sweep.drop_if.end(), matches_config);
}

void check_point(const SweepSpec& sweep, const common::ExperimentConfig& config) {
    const auto problem = common::find_problem(config);
    if (!problem) {
        return;
    }
    if (problem->field == "momentum" && !common::takes_momentum(config.optimizer)) {
        const auto optimizer = common::kOptimizerNames.name(config.optimizer);
        throw common::ConfigError(
            fmt::format("sweep '{}': momentum {} does not apply to {}; add `drop_if: "
                        "[{{optimizer: {}, momentum: {}}}]`",
                        sweep.label,
                        config.momentum,
                        optimizer,
                        optimizer,
                        config.momentum));
    }
    throw common::ConfigError(fmt::format("sweep '{}': {}: {} ({})",
                                          sweep.label,
                                          problem->field,
                                          problem->problem,
                                          common::canonical_key(config)));
}

// Visits every point of the sweep's grid (an odometer over the 15 axes).
template <typename Visit>
void for_each_point(const SweepSpec& sweep, Visit&& visit) {
    const std::array<std::size_t, 15> lengths{sweep.datasets.size(),
                                              sweep.shapes.size(),
                                              sweep.depths.size(),
                                              sweep.sizes.size(),
                                              sweep.learning_rates.size(),
                                              sweep.batch_sizes.size(),
                                              sweep.optimizers.size(),
                                              sweep.momenta.size(),
                                              sweep.l1s.size(),
                                              sweep.l2s.size(),
                                              sweep.label_noises.size(),
                                              sweep.epochs.size(),
                                              sweep.test_fractions.size(),
                                              sweep.validation_fractions.size(),
                                              sweep.backends.size()};
    std::array<std::size_t, 15> at{};
    while (true) {
        common::ExperimentConfig config;
        config.dataset = sweep.datasets[at[0]];
        config.shape = sweep.shapes[at[1]];
        config.depth = sweep.depths[at[2]];
        config.size = sweep.sizes[at[3]];
        config.learning_rate = sweep.learning_rates[at[4]];
        config.batch_size = sweep.batch_sizes[at[5]];
        config.optimizer = sweep.optimizers[at[6]];
        config.momentum = sweep.momenta[at[7]];
        config.l1 = sweep.l1s[at[8]];
        config.l2 = sweep.l2s[at[9]];
        config.label_noise = sweep.label_noises[at[10]];
        config.epochs = sweep.epochs[at[11]];
        config.test_fraction = sweep.test_fractions[at[12]];
        config.validation_fraction = sweep.validation_fractions[at[13]];
        config.backend = sweep.backends[at[14]];
        visit(config);
        std::size_t axis = at.size();
        while (axis > 0) {
            --axis;
            if (++at[axis] < lengths[axis]) {
                break;
            }
            at[axis] = 0;
            if (axis == 0) {
                return;
            }
        }
    }
}

}  // namespace

SweepPlan plan_sweeps(const std::vector<SweepSpec>& sweeps) {
    SweepPlan plan;
    std::unordered_map<std::string, std::size_t> index_by_key;
    std::map<std::string, DatasetPlan> by_dataset;
    for (const SweepSpec& sweep : sweeps) {
        std::int64_t kept = 0;
        std::int64_t buildable = 0;
        for_each_point(sweep, [&](const common::ExperimentConfig& config) {
            ++plan.points;
            if (!keeps(sweep, config)) {
                ++plan.filtered;
                return;
            }
            ++kept;
            check_point(sweep, config);
            const auto dataset = common::find_dataset(config.dataset);
            JOULESWEEP_CHECK(dataset.has_value(), "sweep files only name known datasets");
            DatasetPlan& dataset_plan = by_dataset[config.dataset];
            dataset_plan.dataset = config.dataset;
            std::string key = common::canonical_key(config);
            if (const auto found = index_by_key.find(key); found != index_by_key.end()) {
                PlannedExperiment& existing = plan.experiments[found->second];
                existing.labels.push_back(sweep.label);
                existing.repetitions = std::max(existing.repetitions, sweep.repetitions);
                existing.priority = std::max(existing.priority, sweep.priority);
                ++buildable;
                return;
            }
            common::Topology topology = common::search_topology(config.shape,
                                                                config.depth,
                                                                config.size,
                                                                dataset->input_width,
                                                                dataset->output_width);
            if (!topology.is_buildable()) {
                ++dataset_plan.skipped;
                ++plan.skipped;
                return;
            }
            ++buildable;
            index_by_key.emplace(key, plan.experiments.size());
            plan.experiments.push_back(PlannedExperiment{config,
                                                         std::move(key),
                                                         std::move(topology),
                                                         {sweep.label},
                                                         sweep.repetitions,
                                                         sweep.priority});
        });
        if (kept == 0) {
            throw common::ConfigError(
                fmt::format("sweep '{}': every point was filtered out by keep_if/drop_if, "
                            "so it would enqueue nothing",
                            sweep.label));
        }
        if (buildable == 0) {
            throw common::ConfigError(fmt::format(
                "sweep '{}': none of its {} points can be built within 20% of its size (too few "
                "parameters for the depth, or too many for the widths), so it would enqueue "
                "nothing",
                sweep.label,
                kept));
        }
    }
    for (const PlannedExperiment& experiment : plan.experiments) {
        const auto dataset = common::find_dataset(experiment.config.dataset);
        const double training_samples =
            static_cast<double>(dataset->rows) *
            (1.0 - experiment.config.test_fraction - experiment.config.validation_fraction);
        const double work = static_cast<double>(experiment.topology.parameter_count) *
                            experiment.config.epochs * training_samples * experiment.repetitions;
        DatasetPlan& dataset_plan = by_dataset[experiment.config.dataset];
        ++dataset_plan.experiments;
        dataset_plan.runs += experiment.repetitions;
        dataset_plan.work += work;
        plan.runs += experiment.repetitions;
        plan.work += work;
    }
    for (const auto& dataset : common::dataset_catalog()) {
        if (const auto found = by_dataset.find(std::string(dataset.name));
            found != by_dataset.end()) {
            plan.datasets.push_back(found->second);
        }
    }
    return plan;
}

}  // namespace joulesweep::coordinator
