#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/size_search.hpp"

namespace joulesweep::coordinator {
namespace {

// The text a filter compares for one field of a point (see SweepCondition).
std::string field_text(const common::ExperimentConfig& config, const std::string& field) {
    std::string text;
    common::visit_experiment_fields(config, [&](std::string_view name, const auto& value) {
        if (name == field) {
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

// The order the grid is walked in, slowest axis first: the study's axes (dataset, shape,
// depth, size), then the other fields in the field list's order. It decides the order of
// new experiments, and so which runs are claimed first among equal priorities.
std::array<std::size_t, common::kExperimentFieldCount> walk_order() {
    using common::ExperimentConfig;
    std::array<std::size_t, common::kExperimentFieldCount> order{
        common::experiment_field_index<&ExperimentConfig::dataset>(),
        common::experiment_field_index<&ExperimentConfig::shape>(),
        common::experiment_field_index<&ExperimentConfig::depth>(),
        common::experiment_field_index<&ExperimentConfig::size>()};
    std::size_t next = 4;
    for (std::size_t field = 0; field < order.size(); ++field) {
        if (std::find(order.begin(), order.begin() + 4, field) == order.begin() + 4) {
            order.at(next++) = field;
        }
    }
    return order;
}

// Sets every field of `config` to its axis's value at position at[field].
template <std::size_t... Field>
void place(common::ExperimentConfig& config,
           const SweepGrid& grid,
           const std::array<std::size_t, common::kExperimentFieldCount>& at,
           std::index_sequence<Field...> /*fields*/) {
    ((config.*(std::get<Field>(common::kExperimentFields).member) =
          std::get<Field>(grid)[at[Field]]),
     ...);
}

// Visits every point of the sweep's grid (an odometer over the axes, in walk_order()).
template <typename Visit>
void for_each_point(const SweepSpec& sweep, Visit&& visit) {
    constexpr std::size_t kFields = common::kExperimentFieldCount;
    const std::array<std::size_t, kFields> lengths =
        std::apply([](const auto&... axis) { return std::array{axis.size()...}; }, sweep.grid);
    if (std::find(lengths.begin(), lengths.end(), 0) != lengths.end()) {
        return;
    }
    static const std::array<std::size_t, kFields> order = walk_order();
    std::array<std::size_t, kFields> at{};
    while (true) {
        common::ExperimentConfig config;
        place(config, sweep.grid, at, std::make_index_sequence<kFields>{});
        visit(config);
        std::size_t step = kFields;
        while (true) {
            if (step == 0) {
                return;
            }
            --step;
            const std::size_t axis = order.at(step);
            if (++at.at(axis) < lengths.at(axis)) {
                break;
            }
            at.at(axis) = 0;
        }
    }
}

// The sizes a point trains: its size, or a search's ladder.
std::vector<std::int64_t> sizes_of(const common::ExperimentConfig& config) {
    if (config.kind == common::WorkKind::kSearch) {
        return common::size_ladder(common::search_spec_of(config));
    }
    return {config.size};
}

// The networks a point would build, skipping sizes that cannot be built within 20%.
std::vector<common::Topology> buildable_topologies(const common::ExperimentConfig& config,
                                                   const common::DatasetInfo& dataset) {
    std::vector<common::Topology> topologies;
    for (const std::int64_t size : sizes_of(config)) {
        common::Topology topology = common::search_topology(
            config.shape, config.depth, size, dataset.input_width, dataset.output_width);
        if (topology.is_buildable()) {
            topologies.push_back(std::move(topology));
        }
    }
    return topologies;
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
            // A search skips the sizes of its ladder it cannot build, so it is skipped
            // only when it can build none.
            std::vector<common::Topology> topologies = buildable_topologies(config, *dataset);
            if (topologies.empty()) {
                ++dataset_plan.skipped;
                ++plan.skipped;
                return;
            }
            ++buildable;
            index_by_key.emplace(key, plan.experiments.size());
            std::int64_t parameters = 0;
            for (const common::Topology& topology : topologies) {
                parameters += topology.parameter_count;
            }
            plan.experiments.push_back(PlannedExperiment{config,
                                                         std::move(key),
                                                         std::move(topologies.front()),
                                                         parameters,
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
        const double work = static_cast<double>(experiment.parameters_trained) *
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
