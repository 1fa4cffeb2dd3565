#pragma once
// What to build for an experiment: the layer widths from BUTTER's shape and size search,
// which hidden layers have residual skips, and the output activation and loss its task
// was trained with (butter-spec sections 1.3 and 1.4).

#include <string>
#include <vector>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/name_table.hpp"

namespace joulesweep::worker {

enum class OutputActivation { kSigmoid, kSoftmax };
enum class LossKind { kMeanSquaredError, kBinaryCrossEntropy, kCategoricalCrossEntropy };

inline constexpr common::NameTable<OutputActivation, 2> kOutputActivationNames{
    "output activation",
    {{{OutputActivation::kSigmoid, "sigmoid"}, {OutputActivation::kSoftmax, "softmax"}}}};

// Keras's names for the losses.
inline constexpr common::NameTable<LossKind, 3> kLossNames{
    "loss",
    {{{LossKind::kMeanSquaredError, "mean_squared_error"},
      {LossKind::kBinaryCrossEntropy, "binary_crossentropy"},
      {LossKind::kCategoricalCrossEntropy, "categorical_crossentropy"}}}};

struct NetworkSpec {
    int input_width = 0;
    std::vector<int> widths;     // hidden layers then the output layer
    std::vector<bool> residual;  // per layer: output = relu(x W + b) + x
    OutputActivation output = OutputActivation::kSigmoid;
    LossKind loss = LossKind::kMeanSquaredError;
    double l1 = 0;  // kernel penalties, added to the loss
    double l2 = 0;
    std::int64_t parameter_count = 0;
};

// Throws ConfigError (permanent) when no network of the shape is within 20% of the size
// for this dataset's widths.
NetworkSpec network_for(const common::ExperimentConfig& config, const common::DatasetInfo& dataset);

// The operations of one epoch as BUTTER-E counted them (its 3_standardize.ipynb), with
// the epoch's exact row counts in place of whole batches: per training row, forward
// Σ(w_in·w_out + w_out) and backward Σ(2·w_out + w_in·w_out + [not first]·w_in·w_out);
// per batch, the update's P·(1 + batch rows); per evaluated row (test and validation),
// forward only. Training metrics come from the training pass itself and add nothing.
double operations_per_epoch(const NetworkSpec& spec,
                            std::int64_t train_rows,
                            std::int64_t evaluated_rows,
                            int batch_size);

}  // namespace joulesweep::worker
