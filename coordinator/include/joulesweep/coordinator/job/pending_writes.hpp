#pragma once
// What the coordinator owes the database: results of finished runs, failures workers
// reported and claims to give back. They wait here while the database is unreachable
// and are written in batches (results: `batch` of them or after `interval`, whichever
// comes first; failures and releases at once). Results the queue accepted then go to the
// job's shard; a result it refused (the claim was released or reaped) is counted and
// dropped, never stored twice.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "joulesweep/common/protocol.hpp"
#include "joulesweep/coordinator/job/coordinator_ports.hpp"
#include "joulesweep/coordinator/job/job_log.hpp"
#include "joulesweep/coordinator/reports/net_energy_tally.hpp"

namespace joulesweep::coordinator {

// What was written over the job.
struct WriteTally {
    std::int64_t done = 0;
    std::set<std::int64_t> failed_runs;  // runs a worker reported failing in this job
    std::int64_t failed_attempts = 0;    // the failures reported: a retried run counts each
    std::int64_t refused = 0;
    std::int64_t released = 0;
    NetEnergyTally net_energy;
};

class PendingWrites {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    PendingWrites(QueuePort& queue,
                  ShardSink& shard,
                  JobLog& log,
                  std::size_t batch,
                  std::chrono::milliseconds interval)
        : queue_(queue), shard_(shard), log_(log), batch_(batch), interval_(interval) {}

    void add_result(Assignment assignment, int rank, common::RunResult result, TimePoint at);

    // An attempt of a search run, written at the next flush (not batched: the run waits
    // on it to resume after a lost claim).
    void add_attempt(Assignment assignment, int rank, common::SearchAttemptReport report) {
        attempts_.push_back(Attempt{std::move(assignment), rank, std::move(report)});
    }

    void add_failure(common::RunFailure failure) { failures_.push_back(std::move(failure)); }

    void add_release(std::int64_t run_id) { releases_.push_back(run_id); }

    // Whether a flush is due at `now`.
    bool due(TimePoint now) const;

    // Writes what it can; keeps the rest for the next try. True when something was written.
    bool flush(std::int64_t coordinator_id, TimePoint now);

    bool empty() const noexcept {
        return results_.empty() && failures_.empty() && releases_.empty() && attempts_.empty();
    }

    // Results, attempts or failures waiting (releases alone do not keep a job from ending).
    bool outcomes_waiting() const noexcept {
        return !results_.empty() || !failures_.empty() || !attempts_.empty();
    }

    // Forgets everything: the lease was lost, so the queue would refuse it all anyway.
    void drop_all();

    // "2 results, 0 failures and 1 releases"
    std::string describe() const;

    const WriteTally& tally() const noexcept { return tally_; }

private:
    struct Result {
        Assignment assignment;
        int rank = 0;
        common::RunResult result;
        TimePoint finished_at;
    };

    struct Attempt {
        Assignment assignment;
        int rank = 0;
        common::SearchAttemptReport report;
    };

    bool write_releases(std::int64_t coordinator_id, TimePoint now);
    bool write_attempts(std::int64_t coordinator_id, TimePoint now);
    bool write_failures(std::int64_t coordinator_id, TimePoint now);
    bool write_results(std::int64_t coordinator_id, TimePoint now);

    QueuePort& queue_;
    ShardSink& shard_;
    JobLog& log_;
    std::size_t batch_;
    std::chrono::milliseconds interval_;
    std::deque<Result> results_;
    std::deque<common::RunFailure> failures_;
    std::deque<Attempt> attempts_;
    std::vector<std::int64_t> releases_;
    WriteTally tally_;
};

}  // namespace joulesweep::coordinator
