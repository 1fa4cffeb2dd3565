#pragma once
// What one finished training run produced: the per-epoch statistics (BUTTER's 10
// metrics for train, for test and for the validation rows), per-epoch wall times and the
// run's provenance.
// Workers fill it, the MPI protocol carries it, the coordinator stores it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/training_choices.hpp"

namespace joulesweep::common {

// Keras's 10 values per side, in the same order on every side.
constexpr std::size_t kSideStatisticCount = 10;
constexpr std::size_t kTrainOffset = 0;
constexpr std::size_t kTestOffset = 10;
constexpr std::size_t kValidationOffset = 20;
constexpr std::size_t kStatisticCount = 30;
constexpr std::size_t kTestLossIndex = kTestOffset;  // the loss comes first on each side

// Column names, in storage order: train_* and test_* (BUTTER's unprefixed and val_*, the
// latter BUTTER's test set), then validation_*: the rows held out by
// validation_fraction, evaluated after every epoch like the test set. A run without
// validation rows has empty validation_* series (NaN in a shard, whose columns are
// aligned by epoch).
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
    "validation_loss",
    "validation_accuracy",
    "validation_mean_squared_error",
    "validation_mean_absolute_error",
    "validation_root_mean_squared_error",
    "validation_mean_squared_logarithmic_error",
    "validation_hinge",
    "validation_squared_hinge",
    "validation_cosine_similarity",
    "validation_kullback_leibler_divergence",
};

// Whether series `index` (kStatisticNames) may be empty while the run has epochs.
constexpr bool may_be_empty(std::size_t index) {
    return index >= kValidationOffset;
}

// The energy of a run's epochs from its node's meter (docs/energy.md), with what it took
// to know it. Joules are per domain (a package, its DRAM, the node) and per epoch.
struct RunEnergy {
    std::string source;       // "perf", "rapl_sysfs", ..., "estimate"
    std::string attribution;  // "whole_node" (the only training rank) or "cpu_time_share"
    std::vector<std::string> domains;
    std::vector<float> idle_w;                // per domain; 0 when no baseline was measured
    std::vector<double> unit_j;               // per domain: the counter's unit, 0 for none
    std::vector<std::vector<float>> gross_j;  // [domain][epoch], this run's share
    std::vector<std::vector<float>> net_j;    // gross minus the share of idle power x time
    std::vector<float> share;                 // per epoch: 1, or this rank's CPU-time share
    std::int64_t train_rows = 0;              // training samples per epoch
    std::int64_t samples = 0;                 // meter samples inside the run
    double largest_gap_s = 0.0;               // longest time between two of them
    double period_s = 0.0;                    // the meter's sampling period
    std::int64_t wraps = 0;                   // counter wraps corrected during the run
    std::int64_t unknown_intervals = 0;       // meter intervals whose energy was unknown
    std::vector<std::string> flags;           // "estimate", "shared_node", "negative_net", ...
    // With a wall meter (IPMI) beside RAPL: its source, and per epoch the rest of the
    // node (the wall's joules minus the domains', in this run's share; NaN where the
    // wall's reads did not reach). Both empty without one.
    std::string wall_source;
    std::vector<float> rest_of_node_j;
    // The kind of node that ran it: its CPU model and logical CPU count, e.g. "AMD EPYC
    // 7B13 (2 CPUs)". BUTTER-E's idle standardisation aligns node types (docs/sql.md).
    std::string node_type;
};

// Epochs whose net joules, summed over the domains, are below zero: the node drew less
// than its idle baseline then (flag "negative_net").
std::size_t negative_net_epochs(const RunEnergy& energy);

struct RunResult {
    std::int64_t seed = 0;
    std::string host;
    std::optional<std::string> slurm_job_id;
    Backend backend = Backend::kEigen;  // the one that trained (never kAuto)
    std::int64_t threads = 1;           // compute threads the run's kernels used
    std::string software_json;          // {"joulesweep": "0.1.0 (git ...)", "Eigen": "3.4.0", ...}
    std::vector<std::int64_t> widths;
    std::int64_t parameter_count = 0;
    // Operations per epoch as BUTTER-E counted them (worker/model/network.hpp,
    // operations_per_epoch): the hardware-independent cost beside the joules.
    double flops_per_epoch = 0.0;
    bool diverged = false;  // training stopped early on NaN or Inf; arrays hold the epochs done
    std::vector<float> epoch_wall_s;
    // statistics[i] is the per-epoch series of kStatisticNames[i]; every series has one
    // value per epoch completed (epoch_wall_s.size()).
    std::array<std::vector<float>, kStatisticCount> statistics;
    std::optional<RunEnergy> energy;  // absent when the job measured no energy
};

}  // namespace joulesweep::common
