#pragma once
// The run queue's operations, each one short transaction on the coordinator's single
// connection: register a coordinator, claim runs, keep the lease alive, reap dead
// coordinators, complete runs with their results, fail or release them, and redrive
// dead letters. Every write on a claimed run is fenced by (owner, attempt), so a
// coordinator whose lease was reaped can change nothing, and repeating a completion is a
// no-op: each run is stored exactly once whatever dies when.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/protocol.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/coordinator/db/database.hpp"

namespace joulesweep::coordinator {

struct QueueOptions {
    // A coordinator whose heartbeat is older than this has lost its lease and its runs
    // go back to the queue. Heartbeat at a third of it or more often.
    std::chrono::seconds lease{300};
    // Backoff before a failed or lost run may be claimed again: base x 2^errors, capped.
    std::chrono::seconds retry_backoff_base{30};
    std::chrono::seconds retry_backoff_max{3600};
};

struct CoordinatorRegistration {
    std::optional<std::string> slurm_job_id;
    std::string host;
    int pid = 0;
    int worker_count = 0;
    std::string software;
};

struct ClaimedRun {
    std::int64_t run_id = 0;
    std::int64_t experiment_id = 0;
    int repetition = 0;
    std::int64_t seed = 0;
    int attempt = 0;  // the fencing token: pass it back with the result
};

// How far a running run has got.
struct RunEpoch {
    std::int64_t run_id = 0;
    int attempt = 0;
    int epoch = 0;
};

// Where a run went when its coordinator's lease expired or a failure was recorded.
struct RunTransition {
    std::int64_t run_id = 0;
    bool dead_lettered = false;  // failed for good; otherwise pending again, to be retried
};

// Where a claimed search run stands (common::RunAssignment's search fields).
struct SearchResume {
    int attempts_done = 0;  // attempts stored by earlier claims: it resumes at the next
    // The cost_cap rule's reference: the operations of the cheapest finished search of
    // the same experiment that reached its target; NaN without one.
    double reference_operations = 0.0;
};

class RunQueue {
public:
    RunQueue(Database& database, QueueOptions options);

    // Registers this coordinator and returns its id (the owner of everything it claims).
    std::int64_t register_coordinator(const CoordinatorRegistration& registration);

    // Claims up to `count` pending runs, highest priority first, skipping runs other
    // claimers hold and runs still backing off. Empty when nothing is claimable.
    std::vector<ClaimedRun> claim(std::int64_t coordinator_id, int count);

    // Renews the lease. False when the lease was lost (reaped, or the coordinator exited):
    // the caller must stop claiming; its results will be refused anyway.
    bool heartbeat(std::int64_t coordinator_id);

    // Marks coordinators whose lease expired and requeues their running runs (lost_count
    // + 1, after a backoff), or dead-letters those lost too often. Safe to run from many
    // coordinators at once.
    std::vector<RunTransition> reap_expired();

    // Stores the results of runs this coordinator holds under the given attempts and marks
    // them done, all in one transaction. Returns the run ids it accepted; a run that is not
    // (or no longer) ours under that attempt, or already done, is skipped.
    std::vector<std::int64_t> complete(std::int64_t coordinator_id,
                                       const std::vector<common::RunOutcome>& completions);

    // For claimed search runs: where each resumes (search_attempt_store.cpp).
    std::map<std::int64_t, SearchResume> search_resume(const std::vector<std::int64_t>& run_ids);

    // Stores one attempt of a search run this coordinator holds under report.attempt, and
    // marks the run done when the attempt is final, in one transaction. False when the
    // claim is not (or no longer) ours; true again for an attempt it stored before (a
    // store repeated after a lost COMMIT).
    bool store_attempt(std::int64_t coordinator_id, const common::SearchAttemptReport& report);

    // Records how far running runs have got (run.current_epoch, shown by the
    // runs_in_flight view). Fenced like every write; runs no longer ours are skipped.
    void record_progress(std::int64_t coordinator_id, const std::vector<RunEpoch>& epochs);

    // The configurations of these experiments, by id. Throws DatabaseError naming an id
    // that does not exist (a claimed run always has its experiment).
    std::map<std::int64_t, common::ExperimentConfig> experiment_configs(
        const std::vector<std::int64_t>& experiment_ids);

    // Records a worker-reported failure: back to pending after a backoff, or to failed when
    // permanent or after max_errors. nullopt when the claim is no longer ours.
    std::optional<RunTransition> fail(std::int64_t coordinator_id,
                                      const common::RunFailure& failure);

    // Gives back claimed runs that never started (graceful drain); charges no attempt
    // against any limit. Returns how many were released.
    int release(std::int64_t coordinator_id, const std::vector<std::int64_t>& run_ids);

    // Gives back every run this coordinator still holds (the safety net at exit: a claim
    // whose reply was lost with the connection is held by us without our knowing it).
    int release_all(std::int64_t coordinator_id);

    // Marks the coordinator as draining (it claims no more) or exited.
    void mark_draining(std::int64_t coordinator_id);
    void mark_exited(std::int64_t coordinator_id);

    // Puts failed runs back in the queue with fresh error and lost counts: all of them,
    // or those whose last_error contains `error_substring`. Returns how many.
    int redrive(const std::optional<std::string>& error_substring);

    // How many failed runs redrive(error_substring) would put back.
    int count_dead_letters(const std::optional<std::string>& error_substring);

private:
    Database& database_;
    const QueueOptions options_;
};

}  // namespace joulesweep::coordinator
