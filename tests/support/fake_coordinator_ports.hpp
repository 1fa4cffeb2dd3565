#pragma once
// In-memory stand-ins for the coordinator's ports (coordinator_ports.hpp), so that
// CoordinatorCore's unit tests drive it with no MPI, no PostgreSQL and no HDF5. Each fake
// records the actions it received; FakeQueue also keeps a small queue with fencing (a
// released run's result is refused) and can be made unreachable.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "joulesweep/coordinator/job/coordinator_ports.hpp"

namespace joulesweep::testing {

// A steady-clock time that moves only when told to.
class FakeClock {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    TimePoint now() const noexcept { return now_; }

    void advance(std::chrono::steady_clock::duration by) noexcept { now_ += by; }

private:
    TimePoint now_{std::chrono::hours(1000)};
};

class FakeWorkers final : public coordinator::WorkerLink {
public:
    explicit FakeWorkers(int count) : count_(count) {}

    int worker_count() const override { return count_; }

    void assign(int rank, const common::RunAssignment& assignment) override {
        assigned.emplace_back(rank, assignment);
    }

    void cancel(int rank, const common::RunReference& run) override {
        cancelled.emplace_back(rank, run);
    }

    void stop(int rank) override { stopped.push_back(rank); }

    void abort(int exit_code) override { aborted = exit_code; }

    // The run last assigned to `rank`.
    const common::RunAssignment& run_of(int rank) const;

    std::vector<std::pair<int, common::RunAssignment>> assigned;
    std::vector<std::pair<int, common::RunReference>> cancelled;
    std::vector<int> stopped;
    std::optional<int> aborted;

private:
    int count_;
};

class FakeQueue final : public coordinator::QueuePort {
public:
    // `runs` pending runs, ids 1..runs, one experiment each.
    explicit FakeQueue(int runs);

    bool connected() const override { return reachable; }

    std::optional<std::int64_t> register_coordinator() override;
    std::optional<std::vector<coordinator::Assignment>> claim(std::int64_t coordinator_id,
                                                              int count) override;
    std::optional<bool> heartbeat(std::int64_t coordinator_id) override;
    std::optional<std::vector<coordinator::RunTransition>> reap_expired() override;
    std::optional<std::vector<std::int64_t>> complete(
        std::int64_t coordinator_id, const std::vector<common::RunOutcome>& outcomes) override;
    std::optional<bool> store_attempt(std::int64_t coordinator_id,
                                      const common::SearchAttemptReport& report) override;
    std::optional<std::optional<coordinator::RunTransition>> fail(
        std::int64_t coordinator_id, const common::RunFailure& failure) override;
    std::optional<int> release(std::int64_t coordinator_id,
                               const std::vector<std::int64_t>& run_ids) override;
    std::optional<int> release_all(std::int64_t coordinator_id) override;
    bool record_progress(std::int64_t coordinator_id,
                         const std::vector<coordinator::RunEpoch>& epochs) override;
    bool mark_draining(std::int64_t coordinator_id) override;
    bool mark_exited(std::int64_t coordinator_id) override;

    bool reachable = true;
    bool lease_alive = true;
    std::deque<std::int64_t> pending;
    std::set<std::int64_t> held;
    std::vector<std::int64_t> done;  // in the order stored
    std::vector<int> claim_counts;   // each claim's requested count
    std::vector<int> completion_batches;
    std::vector<common::RunFailure> failures;
    std::vector<std::pair<std::int64_t, int>> attempts;  // (run, attempt number) stored
    std::vector<std::int64_t> released;
    std::vector<coordinator::RunEpoch> progress;
    std::vector<coordinator::RunTransition> to_reap;  // returned by the next reap
    int heartbeats = 0;
    int reaps = 0;
    bool draining = false;
    bool exited = false;
};

class FakeShard final : public coordinator::ShardSink {
public:
    std::string open(std::int64_t coordinator_id) override;
    void append(const std::vector<coordinator::ShardRun>& shard_runs) override;

    std::int64_t run_count() const override { return static_cast<std::int64_t>(runs.size()); }

    std::vector<std::int64_t> runs;
    bool opened = false;
};

// A result of `epochs` epochs for the run `assignment` names.
common::RunOutcome outcome_for(const common::RunAssignment& assignment, int epochs = 2);

}  // namespace joulesweep::testing
