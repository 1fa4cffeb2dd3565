#pragma once
// Rank 0 of `joulesweep run`: the job's only database client. It registers, claims runs
// in batches sized to its idle workers plus a small prefetch, hands them out on demand,
// keeps its lease alive and reaps dead coordinators from a loop that never waits on
// training, stores results in batches (PostgreSQL, then the job's HDF5 shard), and ends
// well: when no claimable work is left, at --max-runs or --time-limit, or on a signal
// (one: drain within the grace period; two: release everything and stop now).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "joulesweep/common/communicator.hpp"
#include "joulesweep/coordinator/db/connection_target.hpp"
#include "joulesweep/coordinator/queue_connection.hpp"
#include "joulesweep/coordinator/run_queue.hpp"

namespace joulesweep::coordinator {

struct CoordinatorOptions {
    QueueOptions queue;
    ReconnectOptions reconnect;
    int prefetch = 1;                      // runs claimed beyond the idle workers
    bool wait = false;                     // keep polling an empty queue instead of exiting
    std::optional<std::int64_t> max_runs;  // claim no more than this many runs
    std::optional<std::chrono::seconds> time_limit;  // then drain, as on a first signal
    std::chrono::seconds grace{60};                  // how long a drain waits for running runs
    // The grace when the drain began with a SIGTERM to the coordinator itself: under Slurm
    // that signal comes KillWait seconds before SIGKILL. Unset: `grace`.
    std::optional<std::chrono::seconds> term_grace;
    std::chrono::seconds progress_interval{10};
    std::chrono::seconds empty_poll{2};             // pause between claims that found nothing
    std::chrono::milliseconds flush_interval{500};  // longest a result waits to be stored
    std::size_t flush_batch = 64;                   // or this many results, whichever comes first
    std::filesystem::path shard_directory;
    std::string job;            // names the shard: Slurm job id or host-pid
    std::string software_json;  // the shard's software attribute
};

// Runs the coordinator until the job should end; returns the process exit code (0: all
// done or drained with nothing lost; 1: the lease was lost or results could not be
// stored). Throws for errors that end the job before any work started.
int run_coordinator(const common::Communicator& communicator,
                    const ConnectionTarget& target,
                    const CoordinatorRegistration& registration,
                    const CoordinatorOptions& options,
                    std::ostream& log);

}  // namespace joulesweep::coordinator
