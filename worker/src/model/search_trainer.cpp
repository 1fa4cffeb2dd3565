#include "joulesweep/worker/model/search_trainer.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/topology.hpp"

namespace joulesweep::worker {

common::ExperimentConfig attempt_config(const common::ExperimentConfig& search, std::int64_t size) {
    const common::ExperimentConfig run_defaults;
    common::ExperimentConfig config = search;
    common::for_each_experiment_field([&](const auto& entry) {
        if (entry.scope == common::FieldScope::kSearch) {
            config.*(entry.member) = run_defaults.*(entry.member);
        }
    });
    config.size = size;
    return config;
}

void train_search(const common::ExperimentConfig& config,
                  const PreparedDataset& dataset,
                  std::int64_t seed,
                  int first_attempt,
                  std::optional<double> reference_operations,
                  const SearchHooks& hooks) {
    const common::SearchSpec spec = common::search_spec_of(config);
    const std::vector<std::int64_t> ladder = common::size_ladder(spec);
    const auto attempts = static_cast<int>(ladder.size());
    if (first_attempt < 0 || first_attempt >= attempts) {
        throw common::InternalError(fmt::format(
            "search: attempt {} is outside its ladder of {} sizes", first_attempt, attempts));
    }
    const auto info = common::find_dataset(dataset.name);
    if (!info) {
        throw common::ConfigError(fmt::format("dataset '{}' is not in the catalog", dataset.name));
    }
    const std::size_t monitored = config.search_monitored == common::MonitoredSeries::kTest
                                      ? common::kTestLossIndex
                                      : common::kValidationOffset;
    for (int attempt = first_attempt; attempt < attempts; ++attempt) {
        common::AttemptRecord record;
        record.attempt = attempt;
        record.size = ladder.at(static_cast<std::size_t>(attempt));
        record.net_j = std::numeric_limits<double>::quiet_NaN();
        record.gross_j = std::numeric_limits<double>::quiet_NaN();
        const bool last = attempt + 1 == attempts;
        const common::Topology topology = common::search_topology(
            config.shape, config.depth, record.size, info->input_width, info->output_width);
        if (!topology.is_buildable()) {
            record.outcome = common::AttemptOutcome::kSkipped;
            record.net_j = 0.0;
            record.gross_j = 0.0;
            if (hooks.on_attempt) {
                hooks.on_attempt(record, common::RunResult{}, last);
            }
            continue;
        }
        common::AttemptMonitor monitor(
            spec.failure, spec.target, spec.epoch_cap, reference_operations);
        std::optional<common::AttemptOutcome> ended;
        double operations = 0.0;
        TrainingOptions options = hooks.options_for ? hooks.options_for(record) : TrainingOptions{};
        options.should_stop = [&](const EpochReport& report) {
            operations += report.operations;
            ended = monitor.after_epoch(report.statistics.at(monitored), operations);
            return ended.has_value();
        };
        common::RunResult result =
            train_run(attempt_config(config, record.size),
                      dataset,
                      static_cast<std::uint64_t>(common::attempt_seed(seed, attempt)),
                      options);
        // The trainer stops by itself on a non-finite value of any statistic, which the
        // monitor (watching one loss) may not have seen.
        record.outcome = ended.value_or(result.diverged ? common::AttemptOutcome::kDiverged
                                                        : common::AttemptOutcome::kFailedCap);
        record.epochs = static_cast<int>(result.epoch_wall_s.size());
        record.best_loss = monitor.best_loss();
        record.flops = operations;
        const bool reached = record.outcome == common::AttemptOutcome::kReached;
        if (hooks.on_attempt) {
            hooks.on_attempt(record, std::move(result), reached || last);
        }
        if (reached) {
            return;
        }
    }
}

}  // namespace joulesweep::worker
