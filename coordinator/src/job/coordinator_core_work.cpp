// CoordinatorCore's work while running: claims sized to idle workers, dispatch, the
// lease, progress, and the ways a job ends early (drain, stop, lost lease).

#include <algorithm>

#include <fmt/format.h>

#include "joulesweep/coordinator/job/coordinator_core.hpp"

namespace joulesweep::coordinator {

using Phase = CoordinatorPhase;

// ---- signals and ending early ----------------------------------------------------------

void CoordinatorCore::follow_signals() {
    const int signals = std::max(own_signals_, worker_signals_);
    if (signals == handled_signals_) {
        return;
    }
    handled_signals_ = signals;
    if (signals >= 2 && phase_ != Phase::kStopping) {
        say("second shutdown signal: releasing every claimed run and stopping now");
        stop_now();
    } else if (signals == 1 && phase_ == Phase::kRunning) {
        const bool terminated = own_signals_ >= 1 && last_was_sigterm_;
        const std::chrono::seconds grace =
            terminated && options_.term_grace ? *options_.term_grace : options_.grace;
        say(fmt::format("shutdown signal{}: draining (no more claims; running runs have {} s)",
                        terminated ? " (SIGTERM)" : "",
                        grace.count()));
        begin_drain(grace);
    }
}

void CoordinatorCore::begin_drain(std::chrono::seconds grace) {
    phase_ = Phase::kDraining;
    grace_ = grace;
    grace_deadline_ = now_ + grace;
    queue_.mark_draining(coordinator_id_);
    release_buffered();
}

void CoordinatorCore::stop_now() {
    phase_ = Phase::kStopping;
    cancel_deadline_ = now_ + kCancelPatience;
    release_buffered();
    cancel_in_flight(true);
    writes_.flush(coordinator_id_, now_);
}

void CoordinatorCore::cancel_in_flight(bool release) {
    for (const auto& [rank, flight] : in_flight_) {
        const ClaimedRun& claim = flight.assignment.claim;
        if (release) {
            writes_.add_release(claim.run_id);
        }
        workers_.cancel(rank, common::RunReference{claim.run_id, claim.attempt});
    }
}

void CoordinatorCore::release_buffered() {
    for (const Assignment& assignment : buffered_) {
        writes_.add_release(assignment.claim.run_id);
    }
    buffered_.clear();
    writes_.flush(coordinator_id_, now_);
}

void CoordinatorCore::lose_lease() {
    say("error: this coordinator's lease was lost (it was reaped while unreachable); its "
        "claims now belong to the queue again, so it stops without storing more");
    lease_lost_ = true;
    exit_code_ = 1;
    buffered_.clear();
    writes_.drop_all();
    phase_ = Phase::kStopping;
    cancel_deadline_ = now_ + kCancelPatience;
    cancel_in_flight(false);
}

bool CoordinatorCore::nothing_left() const {
    if (!in_flight_.empty() || !buffered_.empty() || writes_.outcomes_waiting()) {
        return false;
    }
    if (options_.max_runs && claimed_total_ >= *options_.max_runs) {
        return true;
    }
    // The queue looked empty after the last run ended: nothing is claimable now.
    return !options_.wait && empty_claim_at_ && *empty_claim_at_ >= last_finish_ &&
           now_ >= *empty_claim_at_;
}

// A worker is free again: look for work at once, even if the last claim found none.
void CoordinatorCore::run_ended(TimePoint now) {
    last_finish_ = now;
    next_claim_ = now;
}

std::optional<Assignment> CoordinatorCore::take_in_flight(int rank, std::int64_t run_id) {
    auto found = in_flight_.find(rank);
    if (found == in_flight_.end() || found->second.assignment.claim.run_id != run_id) {
        return std::nullopt;
    }
    Assignment assignment = std::move(found->second.assignment);
    in_flight_.erase(found);
    progress_dirty_.erase(rank);
    return assignment;
}

// ---- the lease -------------------------------------------------------------------------

CoordinatorCore::Clock::duration CoordinatorCore::heartbeat_interval() const {
    return std::max<Clock::duration>(std::chrono::seconds(1), options_.queue.lease / 3);
}

void CoordinatorCore::heartbeat() {
    auto alive = queue_.heartbeat(coordinator_id_);
    if (!alive) {
        return;  // unreachable: try again at the next pass after the backoff
    }
    last_heartbeat_ = now_;
    if (!*alive) {
        lose_lease();
        return;
    }
    reap();
}

void CoordinatorCore::reap() {
    auto reaped = queue_.reap_expired();
    if (reaped && !reaped->empty()) {
        const auto dead = std::count_if(
            reaped->begin(), reaped->end(), [](const RunTransition& t) { return t.dead_lettered; });
        say(
            fmt::format("reaped {} runs of expired coordinators ({} back in the queue, {} "
                        "dead-lettered after too many losses)",
                        reaped->size(),
                        static_cast<std::int64_t>(reaped->size()) - dead,
                        dead));
    }
}

// ---- claims and dispatch -----------------------------------------------------------------

bool CoordinatorCore::claim_if_needed() {
    const auto wanted = static_cast<std::int64_t>(idle_.size()) + options_.prefetch -
                        static_cast<std::int64_t>(buffered_.size());
    // Refill the buffer ahead of need, so that a worker that finishes finds its next
    // run waiting instead of a database round trip.
    if (wanted <= 0 || now_ < next_claim_) {
        return false;
    }
    std::int64_t count = wanted;
    if (options_.max_runs) {
        count = std::min(count, *options_.max_runs - claimed_total_);
        if (count <= 0) {
            return false;
        }
    }
    auto claimed = queue_.claim(coordinator_id_, static_cast<int>(count));
    if (!claimed) {
        return false;
    }
    if (claimed->empty()) {
        empty_claim_at_ = now_;
        next_claim_ = now_ + options_.empty_poll;
        return false;
    }
    claimed_total_ += static_cast<std::int64_t>(claimed->size());
    for (Assignment& assignment : *claimed) {
        buffered_.push_back(std::move(assignment));
    }
    return true;
}

bool CoordinatorCore::dispatch() {
    bool sent = false;
    while (!idle_.empty() && !buffered_.empty()) {
        const int rank = *idle_.begin();
        idle_.erase(idle_.begin());
        Assignment assignment = std::move(buffered_.front());
        buffered_.pop_front();
        workers_.assign(rank,
                        common::RunAssignment{assignment.claim.run_id,
                                              assignment.claim.attempt,
                                              assignment.claim.seed,
                                              assignment.config,
                                              assignment.search_attempts_done,
                                              assignment.search_reference});
        in_flight_.emplace(rank, InFlight{std::move(assignment), 0});
        sent = true;
    }
    return sent;
}

void CoordinatorCore::write_progress() {
    last_progress_write_ = now_;
    if (progress_dirty_.empty()) {
        return;
    }
    std::vector<RunEpoch> epochs;
    for (const int rank : progress_dirty_) {
        const InFlight& flight = in_flight_.at(rank);
        epochs.push_back(RunEpoch{
            flight.assignment.claim.run_id, flight.assignment.claim.attempt, flight.epoch});
    }
    if (queue_.record_progress(coordinator_id_, epochs)) {
        progress_dirty_.clear();
    }
}

}  // namespace joulesweep::coordinator
