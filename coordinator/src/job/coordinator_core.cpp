#include "joulesweep/coordinator/job/coordinator_core.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

using Phase = CoordinatorPhase;

CoordinatorCore::CoordinatorCore(const CoordinatorOptions& options,
                                 WorkerLink& workers,
                                 QueuePort& queue,
                                 ShardSink& shard,
                                 std::ostream& log,
                                 TimePoint now)
    : options_(options),
      workers_(workers),
      queue_(queue),
      shard_(shard),
      log_(log, now),
      writes_(queue, shard, log_, options.flush_batch, options.flush_interval),
      now_(now),
      started_(now),
      // The first connection gets the same patience as a lost one: a job that starts
      // while the database restarts waits for it instead of failing.
      register_give_up_(now + options.queue.lease) {}

// ---- events ------------------------------------------------------------------------

void CoordinatorCore::worker_ready(int rank) {
    idle_.insert(rank);
}

void CoordinatorCore::worker_progress(int rank, const common::RunProgress& progress) {
    auto found = in_flight_.find(rank);
    if (found != in_flight_.end() && found->second.assignment.claim.run_id == progress.run_id) {
        found->second.epoch = progress.epoch;
        progress_dirty_.insert(rank);
    }
}

void CoordinatorCore::worker_result(int rank, common::RunOutcome outcome, TimePoint now) {
    now_ = now;
    auto assignment = take_in_flight(rank, outcome.run_id);
    if (assignment) {
        writes_.add_result(std::move(*assignment), rank, std::move(outcome.result), now);
        run_ended(now);
    }
}

void CoordinatorCore::worker_attempt(int rank, common::SearchAttemptReport report, TimePoint now) {
    now_ = now;
    if (report.final) {
        auto assignment = take_in_flight(rank, report.run_id);
        if (assignment) {
            writes_.add_attempt(std::move(*assignment), rank, std::move(report));
            run_ended(now);
        }
        return;
    }
    const auto found = in_flight_.find(rank);
    if (found != in_flight_.end() && found->second.assignment.claim.run_id == report.run_id) {
        found->second.epoch = 0;  // the next attempt starts
        writes_.add_attempt(found->second.assignment, rank, std::move(report));
    }
}

void CoordinatorCore::worker_failure(int rank, const common::RunFailure& failure, TimePoint now) {
    now_ = now;
    auto assignment = take_in_flight(rank, failure.run_id);
    if (assignment) {
        say(fmt::format("run {} ({}) failed on rank {}: {}",
                        failure.run_id,
                        describe_experiment(assignment->config),
                        rank,
                        failure.message));
        writes_.add_failure(failure);
        run_ended(now);
    }
}

void CoordinatorCore::worker_cancelled(int rank, const common::RunReference& run) {
    take_in_flight(rank, run.run_id);
}

void CoordinatorCore::worker_signal(int count) {
    worker_signals_ = std::max(worker_signals_, count);
}

void CoordinatorCore::worker_stopped(int rank, const common::WorkerTotals& totals) {
    if (not_stopped_.erase(rank) == 0) {
        return;
    }
    worker_totals_.runs += totals.runs;
    worker_totals_.training_s += totals.training_s;
    worker_totals_.waiting_s += totals.waiting_s;
    worker_totals_.starting_s += totals.starting_s;
    worker_totals_.ending_s += totals.ending_s;
}

void CoordinatorCore::shutdown_signals(int count, bool last_was_sigterm) {
    own_signals_ = count;
    last_was_sigterm_ = last_was_sigterm;
}

// ---- the passes ----------------------------------------------------------------------

bool CoordinatorCore::step(TimePoint now) {
    now_ = now;
    switch (phase_) {
        case Phase::kRegistering:
            return try_register();
        case Phase::kStoring:
            return store_rest();
        case Phase::kStoppingWorkers:
            return await_stopped();
        case Phase::kFinished:
            return false;
        default:
            return step_working();
    }
}

bool CoordinatorCore::try_register() {
    if (now_ < next_register_) {
        return false;
    }
    auto id = queue_.register_coordinator();
    if (!id) {
        if (now_ > register_give_up_) {
            throw common::DatabaseError(
                fmt::format("could not reach the database within the lease ({} s)",
                            options_.queue.lease.count()),
                true);
        }
        next_register_ = now_ + kRegisterRetry;
        return false;
    }
    coordinator_id_ = *id;
    shard_path_ = shard_.open(coordinator_id_);
    say(fmt::format("coordinator {} started: {} workers, lease {} s, shard {}",
                    coordinator_id_,
                    workers_.worker_count(),
                    options_.queue.lease.count(),
                    shard_path_));
    last_heartbeat_ = now_;
    last_progress_line_ = now_;
    last_progress_write_ = now_;
    reap();
    phase_ = Phase::kRunning;
    return true;
}

// Claiming, dispatching, heartbeats, drains and stops, storing in batches.
bool CoordinatorCore::step_working() {  // NOLINT(readability-function-cognitive-complexity)
    // Before any database work: a worker that just asked waits for no round trip.
    bool busy = phase_ == Phase::kRunning && dispatch();
    follow_signals();
    if (options_.time_limit && phase_ == Phase::kRunning &&
        now_ - started_ >= *options_.time_limit) {
        say(fmt::format("time limit of {} s reached", options_.time_limit->count()));
        begin_drain(options_.grace);
    }
    if (now_ - last_heartbeat_ >= heartbeat_interval()) {
        heartbeat();
    }
    if (phase_ == Phase::kDraining && in_flight_.empty()) {
        say("drain complete: every running run finished");
        enter_storing();
        return true;
    }
    if (phase_ == Phase::kDraining && now_ >= grace_deadline_) {
        say(fmt::format("grace period of {} s over with {} runs still running",
                        grace_.count(),
                        in_flight_.size()));
        stop_now();
    }
    if (phase_ == Phase::kStopping && (in_flight_.empty() || now_ >= cancel_deadline_)) {
        if (!in_flight_.empty()) {
            say(fmt::format("{} workers did not abandon their runs within {} s",
                            in_flight_.size(),
                            kCancelPatience.count()));
            writes_.flush(coordinator_id_, now_);
            exit_code_ = 1;
            phase_ = Phase::kFinished;
            workers_.abort(1);
            return true;
        }
        enter_storing();
        return true;
    }
    if (writes_.due(now_)) {
        busy = writes_.flush(coordinator_id_, now_) || busy;
    }
    if (now_ - last_progress_write_ >= kProgressWriteInterval) {
        write_progress();
    }
    if (phase_ == Phase::kRunning) {
        busy = claim_if_needed() || busy;
        busy = dispatch() || busy;
        if (nothing_left()) {
            enter_storing();
        }
    }
    if (now_ - last_progress_line_ >= options_.progress_interval) {
        say(format_progress_line(counts()));
        last_progress_line_ = now_;
    }
    return busy;
}

void CoordinatorCore::enter_storing() {
    phase_ = Phase::kStoring;
    store_give_up_ = now_ + options_.queue.lease;
}

// Store what is left, give back whatever is still ours, then stop the workers.
bool CoordinatorCore::store_rest() {
    bool busy = false;
    if (!writes_.empty()) {
        busy = writes_.flush(coordinator_id_, now_);
        if (!writes_.empty()) {
            if (now_ <= store_give_up_) {
                return busy;
            }
            say(
                fmt::format("error: the database stayed unreachable; {} were not stored (their "
                            "runs return to the queue when this coordinator's lease expires)",
                            writes_.describe()));
            exit_code_ = 1;
        }
    }
    if (!lease_lost_) {
        auto released = queue_.release_all(coordinator_id_);
        if (released && *released > 0) {
            say(fmt::format("released {} more runs still held by this coordinator", *released));
        }
        queue_.mark_exited(coordinator_id_);
    }
    for (int rank = 1; rank <= workers_.worker_count(); ++rank) {
        workers_.stop(rank);
        not_stopped_.insert(rank);
    }
    stop_give_up_ = now_ + kStopPatience;
    phase_ = Phase::kStoppingWorkers;
    return true;
}

bool CoordinatorCore::await_stopped() {
    if (not_stopped_.empty()) {
        phase_ = Phase::kFinished;
        return true;
    }
    if (now_ < stop_give_up_) {
        return false;
    }
    say(fmt::format("error: {} workers did not stop within {} s; aborting the job",
                    not_stopped_.size(),
                    kStopPatience.count()));
    exit_code_ = 1;
    phase_ = Phase::kFinished;
    workers_.abort(1);
    return true;
}

int CoordinatorCore::report(double coordinator_cpu_s, TimePoint now) {
    now_ = now;
    const WriteTally& tally = writes_.tally();
    say(format_progress_line(counts()));
    say(
        fmt::format("coordinator {} exited after {}: {} runs done, {}, {} refused, "
                    "shard {} holds {} runs",
                    coordinator_id_,
                    format_clock(log_.elapsed_s(now_)),
                    tally.done,
                    format_failed(counts()),
                    tally.refused,
                    shard_path_,
                    shard_.run_count()));
    const common::WorkerTotals& totals = worker_totals_;
    if (totals.training_s > 0) {
        say(fmt::format(
            "overhead: coordinator thread CPU {:.3f} s = {:.3f}% of the workers' {:.1f} s "
            "of training; workers waited {:.3f} s for their next run ({:.3f}%), "
            "{:.1f} s for their first and {:.1f} s after their last",
            coordinator_cpu_s,
            100.0 * coordinator_cpu_s / totals.training_s,
            totals.training_s,
            totals.waiting_s,
            100.0 * totals.waiting_s / totals.training_s,
            totals.starting_s,
            totals.ending_s));
    }
    if (tally.net_energy.measured_runs > 0) {
        say(tally.net_energy.summary());
    }
    return exit_code_;
}

ProgressCounts CoordinatorCore::counts() const {
    const WriteTally& tally = writes_.tally();
    return ProgressCounts{tally.done,
                          static_cast<std::int64_t>(tally.failed_runs.size()),
                          tally.failed_attempts,
                          static_cast<std::int64_t>(in_flight_.size()),
                          static_cast<std::int64_t>(buffered_.size()),
                          log_.elapsed_s(now_)};
}

}  // namespace joulesweep::coordinator
