#pragma once
// BUTTER's 10 per-epoch values with Keras's semantics: the loss (penalty included) and
// the 9 metrics it compiled, each a mean over the samples seen (so the training values
// are running means over the epoch's batches, taken while the weights change).
//   accuracy       binary (output > 0.5 equals the target) for 1 output, else argmax
//   mse, mae       means over outputs; rmse is sqrt of the mean over every element
//   msle           mean of (log(max(p, 1e-7) + 1) - log(max(y, 1e-7) + 1))^2
//   hinge          mean of max(1 - y p, 0), with 0/1 targets read as -1/+1; squared_hinge
//                  its square
//   cosine         y . p / (|y| |p|) per sample
//   kld            sum of y log(y / p), both clipped to [1e-7, 1]

#include <array>
#include <cstdint>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/model/mlp.hpp"

namespace joulesweep::worker {

constexpr std::size_t kEpochValueCount = common::kSideStatisticCount;  // kStatisticNames order

class EpochMetrics {
public:
    // Adds a batch: its outputs, targets, per-sample losses and the penalty at the
    // weights that produced them.
    void add(const Matrix& outputs,
             const Matrix& targets,
             const Eigen::VectorXf& sample_losses,
             double penalty);

    // The means so far; NaN when nothing was added.
    std::array<float, kEpochValueCount> values() const;

private:
    std::int64_t samples_ = 0;
    std::int64_t elements_ = 0;
    std::array<double, kEpochValueCount> sums_{};
};

}  // namespace joulesweep::worker
