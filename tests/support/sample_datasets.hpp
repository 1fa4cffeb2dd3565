#pragma once
// Datasets for tests that train: shaped like the catalog's, with rules a small network
// learns in a few epochs.

#include <string_view>

#include "joulesweep/worker/datasets/prepared_dataset.hpp"

namespace joulesweep::testing {

// A stand-in for the catalog dataset `name` (its rows, input and output widths and
// task), with uniform inputs and targets a small network learns: output j is 1 when
// input j exceeds input j + 1 (regression and binary), or the class is the largest of
// the first `output width` inputs (classification, one-hot).
worker::PreparedDataset learnable_dataset(std::string_view name);

// learnable_dataset("banana"): 5300 rows, 2 inputs, 1 output, target x0 > x1.
worker::PreparedDataset learnable_banana();

}  // namespace joulesweep::testing
