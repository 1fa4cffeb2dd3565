#pragma once
// A dataset ready to train on: inputs and targets as row-major float32 matrices, how each
// column was transformed, and the task, output activation and loss BUTTER used for it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/worker/datasets/column_transform.hpp"

namespace joulesweep::worker {

struct PreparedDataset {
    std::string name;
    common::Task task = common::Task::kRegression;
    std::int64_t rows = 0;
    int raw_features = 0;
    int input_width = 0;
    int output_width = 0;
    std::vector<float> inputs;                      // rows x input_width
    std::vector<float> targets;                     // rows x output_width
    std::vector<ColumnTransform> input_transforms;  // one per raw feature, in file order
    ColumnTransform target_transform;
    std::string source_sha256;  // of the file(s) it was made from
};

// "sigmoid" or "softmax", and "mean_squared_error", "binary_crossentropy" or
// "categorical_crossentropy": what BUTTER trained this task with.
std::string_view output_activation(common::Task task) noexcept;
std::string_view loss_name(common::Task task) noexcept;

// Applies BUTTER's column rules to a PMLB table.
PreparedDataset prepare_table(const common::DatasetInfo& info, const RawTable& table);

// Applies fitted transforms (one per feature, in order, and the target's) to the table.
// Throws ConfigError when the target transform produces no column.
PreparedDataset apply_transforms(std::string_view name,
                                 common::Task task,
                                 const RawTable& table,
                                 std::vector<ColumnTransform> input_transforms,
                                 ColumnTransform target_transform);

// MNIST from its four IDX files (train then test, 70000 rows): pixels / 255, every pixel
// column kept; the digit one-hot over the 10 classes.
PreparedDataset prepare_mnist_idx(const std::filesystem::path& idx_dir);

// Throws ConfigError unless rows, raw features and widths equal the catalog's: the
// enqueuer sized every network from the catalog, so a difference would train networks
// of other sizes than the queue says.
void check_against_catalog(const PreparedDataset& dataset, const common::DatasetInfo& info);

}  // namespace joulesweep::worker
