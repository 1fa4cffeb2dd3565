#include "fake_coordinator_ports.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace joulesweep::testing {

const common::RunAssignment& FakeWorkers::run_of(int rank) const {
    const auto found = std::find_if(assigned.rbegin(), assigned.rend(), [rank](const auto& sent) {
        return sent.first == rank;
    });
    if (found == assigned.rend()) {
        throw std::logic_error(fmt::format("no run was assigned to rank {}", rank));
    }
    return found->second;
}

FakeQueue::FakeQueue(int runs) {
    for (int id = 1; id <= runs; ++id) {
        pending.push_back(id);
    }
}

std::optional<std::int64_t> FakeQueue::register_coordinator() {
    if (!reachable) {
        return std::nullopt;
    }
    return 7;
}

std::optional<std::vector<coordinator::Assignment>> FakeQueue::claim(std::int64_t /*id*/,
                                                                     int count) {
    if (!reachable) {
        return std::nullopt;
    }
    claim_counts.push_back(count);
    std::vector<coordinator::Assignment> claimed;
    while (count-- > 0 && !pending.empty()) {
        const std::int64_t run = pending.front();
        pending.pop_front();
        held.insert(run);
        coordinator::Assignment assignment;
        assignment.claim = coordinator::ClaimedRun{run, run, 0, 100 + run, 1};
        assignment.config.dataset = "banana";
        assignment.config.depth = 2;
        assignment.config.size = 32;
        claimed.push_back(assignment);
    }
    return claimed;
}

std::optional<bool> FakeQueue::heartbeat(std::int64_t /*id*/) {
    if (!reachable) {
        return std::nullopt;
    }
    ++heartbeats;
    return lease_alive;
}

std::optional<std::vector<coordinator::RunTransition>> FakeQueue::reap_expired() {
    if (!reachable) {
        return std::nullopt;
    }
    ++reaps;
    return std::exchange(to_reap, {});
}

std::optional<std::vector<std::int64_t>> FakeQueue::complete(
    std::int64_t /*id*/, const std::vector<common::RunOutcome>& outcomes) {
    if (!reachable) {
        return std::nullopt;
    }
    completion_batches.push_back(static_cast<int>(outcomes.size()));
    std::vector<std::int64_t> accepted;
    for (const common::RunOutcome& outcome : outcomes) {
        if (held.erase(outcome.run_id) == 1) {
            done.push_back(outcome.run_id);
            accepted.push_back(outcome.run_id);
        }
    }
    return accepted;
}

std::optional<bool> FakeQueue::store_attempt(std::int64_t /*id*/,
                                             const common::SearchAttemptReport& report) {
    if (!reachable) {
        return std::nullopt;
    }
    if (!held.contains(report.run_id)) {
        return false;
    }
    attempts.emplace_back(report.run_id, report.record.attempt);
    if (report.final) {
        held.erase(report.run_id);
        done.push_back(report.run_id);
    }
    return true;
}

std::optional<std::optional<coordinator::RunTransition>> FakeQueue::fail(
    std::int64_t /*id*/, const common::RunFailure& failure) {
    if (!reachable) {
        return std::nullopt;
    }
    if (held.erase(failure.run_id) == 0) {
        return std::optional<coordinator::RunTransition>{};
    }
    failures.push_back(failure);
    if (!failure.permanent) {
        pending.push_back(failure.run_id);
    }
    return std::optional<coordinator::RunTransition>{
        coordinator::RunTransition{failure.run_id, failure.permanent}};
}

std::optional<int> FakeQueue::release(std::int64_t /*id*/,
                                      const std::vector<std::int64_t>& run_ids) {
    if (!reachable) {
        return std::nullopt;
    }
    int count = 0;
    for (const std::int64_t run : run_ids) {
        if (held.erase(run) == 1) {
            released.push_back(run);
            pending.push_front(run);
            ++count;
        }
    }
    return count;
}

std::optional<int> FakeQueue::release_all(std::int64_t id) {
    return release(id, std::vector<std::int64_t>(held.begin(), held.end()));
}

bool FakeQueue::record_progress(std::int64_t /*id*/,
                                const std::vector<coordinator::RunEpoch>& epochs) {
    if (reachable) {
        progress.insert(progress.end(), epochs.begin(), epochs.end());
    }
    return reachable;
}

bool FakeQueue::mark_draining(std::int64_t /*id*/) {
    draining = draining || reachable;
    return reachable;
}

bool FakeQueue::mark_exited(std::int64_t /*id*/) {
    exited = exited || reachable;
    return reachable;
}

std::string FakeShard::open(std::int64_t coordinator_id) {
    opened = true;
    return fmt::format("shard-{}.h5", coordinator_id);
}

void FakeShard::append(const std::vector<coordinator::ShardRun>& shard_runs) {
    for (const coordinator::ShardRun& run : shard_runs) {
        runs.push_back(run.run_id);
    }
}

common::RunOutcome outcome_for(const common::RunAssignment& assignment, int epochs) {
    common::RunOutcome outcome;
    outcome.run_id = assignment.run_id;
    outcome.attempt = assignment.attempt;
    for (auto& statistic : outcome.result.statistics) {
        statistic.assign(static_cast<std::size_t>(epochs), 0.5F);
    }
    outcome.result.epoch_wall_s.assign(static_cast<std::size_t>(epochs), 0.25F);
    return outcome;
}

}  // namespace joulesweep::testing
