#pragma once
// What the coordinator's state machine (coordinator_core.hpp) acts on, as interfaces: the
// worker ranks, the queue and the job's shard. `joulesweep run` plugs in MPI, PostgreSQL
// through QueueConnection and the HDF5 ShardWriter (job_coordinator.cpp); unit tests plug
// in fakes that record every action and can fail on cue.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/protocol.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"
#include "joulesweep/coordinator/shard/shard_file.hpp"

namespace joulesweep::coordinator {

// A claimed run with what a worker needs to train it.
struct Assignment {
    ClaimedRun claim;
    common::ExperimentConfig config;
    // A search run: its attempts stored by earlier claims, and the cost_cap rule's
    // reference (NaN without one). See common::RunAssignment.
    int search_attempts_done = 0;
    double search_reference = std::numeric_limits<double>::quiet_NaN();
};

// The worker ranks, 1..worker_count(). Sends never block.
class WorkerLink {
public:
    virtual ~WorkerLink() = default;
    WorkerLink() = default;
    WorkerLink(const WorkerLink&) = delete;
    WorkerLink& operator=(const WorkerLink&) = delete;
    WorkerLink(WorkerLink&&) = delete;
    WorkerLink& operator=(WorkerLink&&) = delete;
    virtual int worker_count() const = 0;
    virtual void assign(int rank, const common::RunAssignment& assignment) = 0;
    virtual void cancel(int rank, const common::RunReference& run) = 0;
    virtual void stop(int rank) = 0;
    // Ends the whole job: a rank that will not stop must not hold the allocation.
    // MPI's never returns; a fake's does, and the core then finishes with `exit_code`.
    virtual void abort(int exit_code) = 0;
};

// The queue's operations for one coordinator. Every call returns nullopt (or false) when
// the database is unreachable right now: the step did not happen, or its outcome is
// unknown and repeating it is safe (every queue write is fenced and idempotent).
class QueuePort {
public:
    virtual ~QueuePort() = default;
    QueuePort() = default;
    QueuePort(const QueuePort&) = delete;
    QueuePort& operator=(const QueuePort&) = delete;
    QueuePort(QueuePort&&) = delete;
    QueuePort& operator=(QueuePort&&) = delete;
    virtual bool connected() const = 0;
    virtual std::optional<std::int64_t> register_coordinator() = 0;
    // Claimed runs with their configurations; empty when nothing is claimable.
    virtual std::optional<std::vector<Assignment>> claim(std::int64_t coordinator_id,
                                                         int count) = 0;
    // false inside: the lease was lost.
    virtual std::optional<bool> heartbeat(std::int64_t coordinator_id) = 0;
    virtual std::optional<std::vector<RunTransition>> reap_expired() = 0;
    // The run ids accepted; the others are no longer held by this coordinator.
    virtual std::optional<std::vector<std::int64_t>> complete(
        std::int64_t coordinator_id, const std::vector<common::RunOutcome>& outcomes) = 0;
    // Stores one attempt of a search run, and when it is the final one marks the run
    // done, in one transaction. Inner false: the claim is no longer ours.
    virtual std::optional<bool> store_attempt(std::int64_t coordinator_id,
                                              const common::SearchAttemptReport& report) = 0;
    // Inner nullopt: the claim is no longer ours.
    virtual std::optional<std::optional<RunTransition>> fail(std::int64_t coordinator_id,
                                                             const common::RunFailure& failure) = 0;
    virtual std::optional<int> release(std::int64_t coordinator_id,
                                       const std::vector<std::int64_t>& run_ids) = 0;
    virtual std::optional<int> release_all(std::int64_t coordinator_id) = 0;
    virtual bool record_progress(std::int64_t coordinator_id,
                                 const std::vector<RunEpoch>& epochs) = 0;
    virtual bool mark_draining(std::int64_t coordinator_id) = 0;
    virtual bool mark_exited(std::int64_t coordinator_id) = 0;
};

// The job's HDF5 shard: opened once the coordinator has its id, appended after each
// stored batch.
class ShardSink {
public:
    virtual ~ShardSink() = default;
    ShardSink() = default;
    ShardSink(const ShardSink&) = delete;
    ShardSink& operator=(const ShardSink&) = delete;
    ShardSink(ShardSink&&) = delete;
    ShardSink& operator=(ShardSink&&) = delete;
    // Creates the shard; returns its path for the log. Throws StorageError.
    virtual std::string open(std::int64_t coordinator_id) = 0;
    virtual void append(const std::vector<ShardRun>& runs) = 0;
    virtual std::int64_t run_count() const = 0;
};

}  // namespace joulesweep::coordinator
