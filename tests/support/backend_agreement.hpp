#pragma once
// The check every backend passes against the Eigen backend (docs/training.md, "The
// backends agree"): the same short run, the same per-epoch statistics within the
// documented tolerance.

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/datasets/prepared_dataset.hpp"

namespace joulesweep::testing {

// Relative to max(1, |value|); measured differences are at most 4e-7...
constexpr double kStatisticTolerance = 1e-5;
// ...and accuracy within a few samples, in case one on the decision boundary flips.
constexpr double kAccuracyTolerance = 1e-3;

struct AgreementCase {
    const char* dataset;
    common::Shape shape;
    const char* optimizer;
    double momentum;
    double l1;
    double l2;
    int threads = 1;
};

// 3 epochs of a depth-4, 2048-parameter network on `backend` with `run.threads` compute
// threads (reset to 1 afterwards), seed 17.
common::RunResult train_for_agreement(const AgreementCase& run,
                                      const worker::PreparedDataset& dataset,
                                      const char* backend);

// CHECKs that `other` trained the same run as `eigen`, statistic by statistic.
void check_agrees_with_eigen(const common::RunResult& eigen, const common::RunResult& other);

}  // namespace joulesweep::testing
