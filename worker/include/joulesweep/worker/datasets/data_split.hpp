#pragma once
// A run's view of a prepared dataset: a seeded shuffle split into train, validation and
// test rows, with label noise applied to the training targets only (butter-spec 1.2).
//
// Split: the rows are shuffled with the run's seed; the first ceil(rows x test_fraction)
// are the test set, the next ceil(rows x validation_fraction) the validation set, the
// rest the training set.
//
// Label noise p, on floor(train_rows x p) training rows drawn without replacement:
//   binary task          the 0/1 target is flipped;
//   classification       the hot class moves by a random offset in 1..classes-1 (modulo
//                        classes), so each chosen row keeps exactly one hot entry and
//                        always a wrong one. BUTTER rolled the whole selected block of
//                        one-hots instead, which left rows with no or two hot entries;
//                        this is the fix (docs/datasets.md);
//   regression           every training row gets Gaussian noise with standard deviation
//                        p x std(column), per output column.

#include <cstdint>
#include <vector>

#include "joulesweep/worker/datasets/prepared_dataset.hpp"

namespace joulesweep::worker {

struct DataPart {
    std::size_t rows = 0;
    std::vector<float> inputs;   // rows x input_width, row-major
    std::vector<float> targets;  // rows x output_width, row-major
};

struct DataSplit {
    DataPart train;
    DataPart validation;  // empty unless validation_fraction > 0
    DataPart test;
};

struct SplitOptions {
    double test_fraction = 0.2;
    double validation_fraction = 0;
    double label_noise = 0;
    std::uint64_t seed = 0;
};

// Throws ConfigError when the fractions leave no training row or are out of range.
DataSplit split_dataset(const PreparedDataset& dataset, const SplitOptions& options);

}  // namespace joulesweep::worker
