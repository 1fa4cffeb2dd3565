#pragma once
// One search run (ExperimentConfig::kind search), the same code path for a worker rank
// and `joulesweep train`: the sizes of its ladder in turn, each from fresh weights with
// seed common::attempt_seed(seed, j), each ended by common::AttemptMonitor, until one
// attempt's best-so-far monitored loss reaches the target or the ladder ends. A size no
// network can be built at is skipped at no cost.

#include <cstdint>
#include <functional>
#include <optional>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/worker/datasets/prepared_dataset.hpp"
#include "joulesweep/worker/model/trainer.hpp"

namespace joulesweep::worker {

struct SearchHooks {
    // Before each attempt that trains: the options to train it with (backend, energy,
    // progress); the search adds its own should_stop. May be empty.
    std::function<TrainingOptions(const common::AttemptRecord& attempt)> options_for;
    // After each attempt, skipped ones included, with its record (joules NaN: the caller
    // measures them and fills record and result), its result (empty for a skipped size)
    // and whether the search ends with it.
    std::function<void(common::AttemptRecord record, common::RunResult result, bool final)>
        on_attempt;
};

// The training configuration of attempt j: the search's experiment as a fixed-size run
// of `size` with the search's epoch cap.
common::ExperimentConfig attempt_config(const common::ExperimentConfig& search, std::int64_t size);

// Trains the attempts from `first_attempt` (the ones before it were stored by an earlier
// claim) to the end of the search. `reference_operations`: the cost_cap rule's reference,
// the operations of the cheapest earlier success of the same experiment; a live attempt's
// cost is its operations (its joules are known only once it ends). Throws ConfigError
// for an impossible search, InternalError for a first attempt past the ladder.
void train_search(const common::ExperimentConfig& config,
                  const PreparedDataset& dataset,
                  std::int64_t seed,
                  int first_attempt,
                  std::optional<double> reference_operations,
                  const SearchHooks& hooks);

}  // namespace joulesweep::worker
