#pragma once
// Rank 0 of `joulesweep run`: the job's only database client. It registers, claims runs
// in batches sized to its idle workers plus a small prefetch, hands them out on demand,
// keeps its lease alive and reaps dead coordinators from a loop that never waits on
// training, stores results in batches (PostgreSQL, then the job's HDF5 shard), and ends
// well: when no claimable work is left, at --max-runs or --time-limit, or on a signal
// (one: drain within the grace period; two: release everything and stop now).
//
// The decisions are CoordinatorCore's (coordinator_core.hpp); this is its loop and the
// adapters that connect it to MPI, PostgreSQL, the shard and the steady clock.

#include <ostream>

#include "joulesweep/common/communicator.hpp"
#include "joulesweep/coordinator/db/connection_target.hpp"
#include "joulesweep/coordinator/job/coordinator_options.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

namespace joulesweep::coordinator {

// Runs the coordinator until the job should end; returns the process exit code (0: all
// done or drained with nothing lost; 1: the lease was lost or results could not be
// stored). Throws for errors that end the job before any work started.
int run_coordinator(const common::Communicator& communicator,
                    const ConnectionTarget& target,
                    const CoordinatorRegistration& registration,
                    const CoordinatorOptions& options,
                    std::ostream& log);

}  // namespace joulesweep::coordinator
