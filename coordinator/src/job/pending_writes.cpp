#include "joulesweep/coordinator/job/pending_writes.hpp"

#include <numeric>

#include <fmt/format.h>

#include "joulesweep/coordinator/reports/progress_line.hpp"

namespace joulesweep::coordinator {
namespace {

double sum_of(const std::vector<float>& values) {
    return std::accumulate(values.begin(), values.end(), 0.0);
}

// ", 12.5 J (estimate, shared node)", or "" for a run measured without energy.
std::string energy_summary(const std::optional<common::RunEnergy>& energy) {
    if (!energy) {
        return "";
    }
    double gross_j = 0;
    for (const auto& domain : energy->gross_j) {
        gross_j += sum_of(domain);
    }
    return fmt::format(", {:.3g} J ({}{})",
                       gross_j,
                       energy->source,
                       energy->attribution == "whole_node" ? "" : ", shared node");
}

}  // namespace

void PendingWrites::add_result(Assignment assignment,
                               int rank,
                               common::RunResult result,
                               TimePoint at) {
    results_.push_back(Result{std::move(assignment), rank, std::move(result), at});
}

bool PendingWrites::due(TimePoint now) const {
    if (!releases_.empty() || !failures_.empty() || !attempts_.empty()) {
        return true;
    }
    return !results_.empty() &&
           (results_.size() >= batch_ || now - results_.front().finished_at >= interval_);
}

bool PendingWrites::flush(std::int64_t coordinator_id, TimePoint now) {
    bool wrote = write_releases(coordinator_id, now);
    wrote = write_failures(coordinator_id, now) || wrote;
    wrote = write_attempts(coordinator_id, now) || wrote;
    if (!results_.empty()) {
        wrote = write_results(coordinator_id, now) || wrote;
    }
    return wrote;
}

void PendingWrites::drop_all() {
    results_.clear();
    failures_.clear();
    releases_.clear();
    attempts_.clear();
}

std::string PendingWrites::describe() const {
    return fmt::format("{} results, {} search attempts, {} failures and {} releases",
                       results_.size(),
                       attempts_.size(),
                       failures_.size(),
                       releases_.size());
}

bool PendingWrites::write_releases(std::int64_t coordinator_id, TimePoint now) {
    if (releases_.empty()) {
        return false;
    }
    auto released = queue_.release(coordinator_id, releases_);
    if (!released) {
        return false;
    }
    log_.say(now, fmt::format("released {} runs back to the queue", *released));
    tally_.released += *released;
    releases_.clear();
    return true;
}

bool PendingWrites::write_failures(std::int64_t coordinator_id, TimePoint now) {
    bool wrote = false;
    while (!failures_.empty()) {
        const common::RunFailure& failure = failures_.front();
        auto transition = queue_.fail(coordinator_id, failure);
        if (!transition) {
            break;
        }
        if (*transition) {
            ++tally_.failed_attempts;
            tally_.failed_runs.insert(failure.run_id);
            log_.say(now,
                     fmt::format("run {} {}",
                                 failure.run_id,
                                 (*transition)->dead_lettered
                                     ? "dead-lettered (permanent, or too many failures)"
                                     : "will be retried after a backoff"));
        }
        failures_.pop_front();
        wrote = true;
    }
    return wrote;
}

bool PendingWrites::write_attempts(std::int64_t coordinator_id, TimePoint now) {
    bool wrote = false;
    while (!attempts_.empty()) {
        const Attempt& pending = attempts_.front();
        const auto stored = queue_.store_attempt(coordinator_id, pending.report);
        if (!stored) {
            break;
        }
        const ClaimedRun& claim = pending.assignment.claim;
        const common::AttemptRecord& record = pending.report.record;
        if (!*stored) {
            ++tally_.refused;
            log_.say(now,
                     fmt::format("search run {} attempt {} refused by the queue: no longer held "
                                 "by this coordinator under attempt {} (released or reaped)",
                                 claim.run_id,
                                 record.attempt,
                                 claim.attempt));
        } else {
            if (pending.report.result.energy) {
                tally_.net_energy.add(*pending.report.result.energy,
                                      pending.report.result.epoch_wall_s.size());
            }
            log_.say(now,
                     fmt::format("search run {} attempt {} on rank {}: {} rep {} at size {}, {} "
                                 "after {} epochs, best loss {:.5g}{}{}",
                                 claim.run_id,
                                 record.attempt,
                                 pending.rank,
                                 describe_experiment(pending.assignment.config),
                                 claim.repetition,
                                 record.size,
                                 common::kAttemptOutcomeNames.name(record.outcome),
                                 record.epochs,
                                 record.best_loss,
                                 energy_summary(pending.report.result.energy),
                                 pending.report.final ? "; the search is done" : ""));
            if (pending.report.final) {
                ++tally_.done;
            }
        }
        attempts_.pop_front();
        wrote = true;
    }
    return wrote;
}

bool PendingWrites::write_results(std::int64_t coordinator_id, TimePoint now) {
    std::vector<common::RunOutcome> outcomes;
    outcomes.reserve(results_.size());
    for (const Result& pending : results_) {
        outcomes.push_back(common::RunOutcome{
            pending.assignment.claim.run_id, pending.assignment.claim.attempt, pending.result});
    }
    auto accepted = queue_.complete(coordinator_id, outcomes);
    if (!accepted) {
        return false;
    }
    const std::set<std::int64_t> stored(accepted->begin(), accepted->end());
    std::vector<ShardRun> shard_runs;
    for (Result& pending : results_) {
        const ClaimedRun& claim = pending.assignment.claim;
        if (!stored.contains(claim.run_id)) {
            ++tally_.refused;
            log_.say(now,
                     fmt::format("run {} refused by the queue: no longer held by this "
                                 "coordinator under attempt {} (released or reaped)",
                                 claim.run_id,
                                 claim.attempt));
            continue;
        }
        ++tally_.done;
        if (pending.result.energy) {
            tally_.net_energy.add(*pending.result.energy, pending.result.epoch_wall_s.size());
        }
        const auto& test_loss = pending.result.statistics.at(common::kTestLossIndex);
        log_.say(now,
                 fmt::format("run {} done on rank {}: {} rep {}, {} epochs{}, test loss {:.5g}, "
                             "{:.2f} s{}",
                             claim.run_id,
                             pending.rank,
                             describe_experiment(pending.assignment.config),
                             claim.repetition,
                             pending.result.epoch_wall_s.size(),
                             pending.result.diverged ? " (diverged)" : "",
                             test_loss.empty() ? 0.0F : test_loss.back(),
                             sum_of(pending.result.epoch_wall_s),
                             energy_summary(pending.result.energy)));
        shard_runs.push_back(ShardRun{claim.run_id,
                                      claim.experiment_id,
                                      claim.repetition,
                                      claim.attempt,
                                      pending.assignment.config,
                                      std::move(pending.result)});
    }
    results_.clear();
    shard_.append(shard_runs);
    return true;
}

}  // namespace joulesweep::coordinator
