#include "joulesweep/worker/model/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/datasets/data_split.hpp"
#include "joulesweep/worker/model/backend_choice.hpp"
#include "joulesweep/worker/model/epoch_metrics.hpp"
#include "joulesweep/worker/model/mlp.hpp"
#include "joulesweep/worker/model/network.hpp"
#include "joulesweep/worker/model/optimizer.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {
namespace {

constexpr Eigen::Index kEvaluationRows = 4096;  // test-set pass in chunks of this many rows

// Copies the rows `order[first, first + count)` of a row-major part into `out`.
void gather_rows(const std::vector<float>& source,
                 int width,
                 const std::vector<std::size_t>& order,
                 std::size_t first,
                 std::size_t count,
                 Matrix& out) {
    out.resize(static_cast<Eigen::Index>(count), width);
    const auto columns = static_cast<std::size_t>(width);
    for (std::size_t index = 0; index < count; ++index) {
        std::copy_n(source.begin() + static_cast<std::ptrdiff_t>(order[first + index] * columns),
                    columns,
                    out.data() + (index * columns));
    }
}

// The 10 test values: a full pass over the part, in chunks, at the current weights.
std::array<float, kEpochValueCount> evaluate(Mlp& mlp,
                                             const DataPart& part,
                                             int input_width,
                                             int output_width) {
    EpochMetrics metrics;
    const double penalty = mlp.penalty();
    const auto rows = static_cast<Eigen::Index>(part.rows);
    for (Eigen::Index first = 0; first < rows; first += kEvaluationRows) {
        const Eigen::Index count = std::min(kEvaluationRows, rows - first);
        const Eigen::Map<const Matrix> inputs(
            part.inputs.data() + (first * input_width), count, input_width);
        const Eigen::Map<const Matrix> targets(
            part.targets.data() + (first * output_width), count, output_width);
        const Matrix target_matrix = targets;
        const Matrix& outputs = mlp.forward(inputs);
        metrics.add(outputs, target_matrix, mlp.sample_losses(target_matrix), penalty);
    }
    return metrics.values();
}

}  // namespace

common::RunResult train_run(const common::ExperimentConfig& config,
                            const PreparedDataset& dataset,
                            std::uint64_t seed,
                            const TrainingOptions& options) {
    common::validate(config);
    const auto info = common::find_dataset(dataset.name);
    if (!info) {
        throw common::ConfigError(fmt::format("dataset '{}' is not in the catalog", dataset.name));
    }
    check_against_catalog(dataset, *info);
    const NetworkSpec spec = network_for(config, *info);
    const DataSplit split = split_dataset(
        dataset,
        SplitOptions{config.test_fraction, config.validation_fraction, config.label_noise, seed});
    const Backend backend = resolve_backend(options.backend, spec, config.batch_size);
    RandomStream initialise(derived_seed(seed, RandomPurpose::kInitialise));
    const std::unique_ptr<Mlp> model = make_mlp(backend, spec, initialise);
    Mlp& mlp = *model;
    const auto optimizer =
        make_optimizer(config.optimizer, config.learning_rate, config.momentum, mlp.parameters());
    Parameters gradients = mlp.zero_gradients();
    RandomStream shuffle(derived_seed(seed, RandomPurpose::kShuffle));

    common::RunResult result;
    result.seed = static_cast<std::int64_t>(seed);
    result.widths.assign(spec.widths.begin(), spec.widths.end());
    result.parameter_count = spec.parameter_count;
    result.flops_per_epoch =
        operations_per_epoch(spec,
                             static_cast<std::int64_t>(split.train.rows),
                             static_cast<std::int64_t>(split.test.rows + split.validation.rows),
                             config.batch_size);
    result.backend = backend;
    result.threads = compute_threads();

    std::vector<std::size_t> order(split.train.rows);
    const auto batch_size = static_cast<std::size_t>(config.batch_size);
    Matrix inputs;
    Matrix targets;
    if (options.on_inputs) {
        options.on_inputs(RunInputs{split, spec, mlp.parameters()});
    }
    if (options.on_start) {
        options.on_start(static_cast<std::int64_t>(split.train.rows));
    }
    for (int epoch = 1; epoch <= config.epochs && !result.diverged; ++epoch) {
        const auto started = std::chrono::steady_clock::now();
        // Without shuffle every epoch visits the rows in the split's order, as BUTTER-E's
        // batched tf.data input did.
        std::iota(order.begin(), order.end(), std::size_t{0});
        if (config.shuffle) {
            shuffle.shuffle(order);
        }
        if (options.on_batch_order) {
            options.on_batch_order(epoch, order);
        }
        EpochMetrics training;
        for (std::size_t first = 0; first < order.size(); first += batch_size) {
            const std::size_t count = std::min(batch_size, order.size() - first);
            gather_rows(split.train.inputs, spec.input_width, order, first, count, inputs);
            gather_rows(split.train.targets, spec.widths.back(), order, first, count, targets);
            const Matrix& outputs = mlp.forward(inputs);
            const Eigen::VectorXf losses = mlp.sample_losses(targets);
            const double penalty = mlp.penalty();
            training.add(outputs, targets, losses, penalty);
            if (!std::isfinite(static_cast<double>(losses.sum()) + penalty)) {
                result.diverged = true;
                break;
            }
            mlp.backward(targets, gradients);
            optimizer->step(mlp.parameters(), gradients);
        }
        EpochReport report;
        report.epoch = epoch;
        report.epochs = config.epochs;
        report.operations = result.flops_per_epoch;
        const auto place = [&report](std::size_t offset, const auto& values) {
            std::copy(values.begin(),
                      values.end(),
                      report.statistics.begin() + static_cast<std::ptrdiff_t>(offset));
        };
        place(common::kTrainOffset, training.values());
        place(common::kTestOffset, evaluate(mlp, split.test, spec.input_width, spec.widths.back()));
        const bool validates = split.validation.rows > 0;
        if (validates) {
            place(common::kValidationOffset,
                  evaluate(mlp, split.validation, spec.input_width, spec.widths.back()));
        } else {
            std::fill(
                report.statistics.begin() + static_cast<std::ptrdiff_t>(common::kValidationOffset),
                report.statistics.end(),
                std::numeric_limits<float>::quiet_NaN());
        }
        report.wall_s =
            std::chrono::duration<float>(std::chrono::steady_clock::now() - started).count();
        const std::size_t measured =
            validates ? common::kStatisticCount : common::kValidationOffset;
        const auto end = report.statistics.begin() + static_cast<std::ptrdiff_t>(measured);
        report.diverged =
            result.diverged || std::any_of(report.statistics.begin(), end, [](float value) {
                return !std::isfinite(value);
            });
        result.diverged = report.diverged;
        result.epoch_wall_s.push_back(report.wall_s);
        for (std::size_t index = 0; index < measured; ++index) {
            result.statistics.at(index).push_back(report.statistics.at(index));
        }
        if (options.on_epoch) {
            options.on_epoch(report);
        }
        if (options.should_stop && options.should_stop(report)) {
            break;
        }
    }
    if (options.on_trained) {
        options.on_trained(mlp.parameters());
    }
    return result;
}

}  // namespace joulesweep::worker
