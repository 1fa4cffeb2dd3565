#pragma once
// A worker rank's whole life under `joulesweep run`: ask the coordinator (rank 0) for a
// run, train it with train_run, report every epoch and then the result or a failure, and
// ask again, until the coordinator says stop. Any exception inside one run becomes a
// failure message for that run (permanent for a ConfigError: the configuration can never
// train), so one bad run never takes the job down. Only MPI failures end the worker.

#include <filesystem>
#include <optional>
#include <string>

#include "joulesweep/common/communicator.hpp"
#include "joulesweep/common/protocol.hpp"
#include "joulesweep/common/training_choices.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::worker {

struct WorkerContext {
    std::filesystem::path datasets_dir;  // <dir>/<dataset>.h5, as `datasets prepare` wrote them
    std::string host;
    std::optional<std::string> slurm_job_id;
    std::string software_json;  // stored with every result
    // The node meter's samples (docs/energy.md); null when the job measures no energy.
    const power::SampleRing* energy_ring = nullptr;
    bool only_training_rank_on_node = false;  // the run gets the node's whole energy
    std::string node_type{};  // stored with the run's energy: common::RunEnergy::node_type
    common::Backend backend = common::Backend::kAuto;  // `joulesweep run --backend`
};

// Serves runs until kStop and returns the totals it sent back with kStopped.
common::WorkerTotals run_worker(const common::Communicator& communicator,
                                const WorkerContext& context);

}  // namespace joulesweep::worker
