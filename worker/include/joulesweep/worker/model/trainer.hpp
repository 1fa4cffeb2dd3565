#pragma once
// One training run, the same code path for `joulesweep train` and for a worker rank:
// split the prepared dataset with the run's seed, build the network, and train for the
// configured epochs with a reshuffle every epoch. Each epoch records the 10 training
// values (running means over its batches) and the 10 test values (a full pass after the
// epoch), the 10 validation values likewise when validation_fraction holds rows out,
// plus its wall time. A NaN or Inf loss stops the run: it is marked diverged and
// keeps the epochs so far, the last one included.

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/datasets/data_split.hpp"
#include "joulesweep/worker/datasets/prepared_dataset.hpp"
#include "joulesweep/worker/model/mlp.hpp"
#include "joulesweep/worker/model/network.hpp"

namespace joulesweep::worker {

struct EpochReport {
    int epoch = 0;  // 1-based
    int epochs = 0;
    // kStatisticNames order; NaN for validation_* without validation rows
    std::array<float, common::kStatisticCount> statistics{};
    float wall_s = 0;
    double operations = 0;  // BUTTER-E's count for this epoch (RunResult::flops_per_epoch)
    bool diverged = false;
};

// What a run trains on, as it starts: the split data, the network and its initial weights.
struct RunInputs {
    const DataSplit& split;
    const NetworkSpec& spec;
    const Parameters& initial;
};

struct TrainingOptions {
    // The kernels that train the run (an execution choice, not part of the experiment):
    // kAuto picks per network (backend_choice.hpp).
    Backend backend = Backend::kAuto;
    std::function<void(const EpochReport&)> on_epoch;  // called after every epoch; may be empty
    // Called after on_epoch: true ends the run there, its epochs so far kept (a search
    // attempt's failure rule); may be empty.
    std::function<bool(const EpochReport&)> should_stop;
    // Called once the data is split and the network built, just before the first epoch,
    // with the training rows of an epoch; may be empty.
    std::function<void(std::int64_t train_rows)> on_start;
    // For replaying the run elsewhere (RunInputsFile); each may be empty. on_inputs is
    // called before the first epoch, on_batch_order at the start of every epoch with the
    // order in which it visits the training rows, on_trained with the final weights.
    std::function<void(const RunInputs&)> on_inputs;
    std::function<void(int epoch, const std::vector<std::size_t>& order)> on_batch_order;
    std::function<void(const Parameters& trained)> on_trained;
};

// Throws ConfigError (permanent) for an impossible configuration: an unknown optimizer,
// a network that cannot be built, a dataset that is not the catalog's.
common::RunResult train_run(const common::ExperimentConfig& config,
                            const PreparedDataset& dataset,
                            std::uint64_t seed,
                            const TrainingOptions& options);

}  // namespace joulesweep::worker
