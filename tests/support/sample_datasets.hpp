#pragma once
// Datasets for tests that train: shaped like the catalog's, with rules a small network
// learns in a few epochs.

#include "joulesweep/worker/datasets/prepared_dataset.hpp"

namespace joulesweep::testing {

// A stand-in for banana (the catalog's 5300 rows, 2 inputs, 1 output): target 1 when the
// first input exceeds the second.
worker::PreparedDataset learnable_banana();

}  // namespace joulesweep::testing
