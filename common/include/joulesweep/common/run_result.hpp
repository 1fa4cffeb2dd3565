#pragma once
// What one finished training run produced: the 20 per-epoch statistics (BUTTER's 10
// metrics for train and for test), per-epoch wall times and the run's provenance.
// Workers fill it, the MPI protocol carries it, the coordinator stores it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace joulesweep::common {

constexpr std::size_t kStatisticCount = 20;

// Column names, in storage order: train_* then test_* (BUTTER's unprefixed and val_*).
constexpr std::array<std::string_view, kStatisticCount> kStatisticNames{
    "train_loss",
    "train_accuracy",
    "train_mean_squared_error",
    "train_mean_absolute_error",
    "train_root_mean_squared_error",
    "train_mean_squared_logarithmic_error",
    "train_hinge",
    "train_squared_hinge",
    "train_cosine_similarity",
    "train_kullback_leibler_divergence",
    "test_loss",
    "test_accuracy",
    "test_mean_squared_error",
    "test_mean_absolute_error",
    "test_root_mean_squared_error",
    "test_mean_squared_logarithmic_error",
    "test_hinge",
    "test_squared_hinge",
    "test_cosine_similarity",
    "test_kullback_leibler_divergence",
};

struct RunResult {
    std::int64_t seed = 0;
    std::string host;
    std::optional<std::string> slurm_job_id;
    std::string backend;        // the one that trained: "eigen" or "onednn" (never "auto")
    std::int64_t threads = 1;   // compute threads the run's kernels used
    std::string software_json;  // {"joulesweep": "0.1.0 (git ...)", "Eigen": "3.4.0", ...}
    std::vector<std::int64_t> widths;
    std::int64_t parameter_count = 0;
    bool diverged = false;  // training stopped early on NaN or Inf; arrays hold the epochs done
    std::vector<float> epoch_wall_s;
    // statistics[i] is the per-epoch series of kStatisticNames[i]; every series has one
    // value per epoch completed (epoch_wall_s.size()).
    std::array<std::vector<float>, kStatisticCount> statistics;
};

}  // namespace joulesweep::common
