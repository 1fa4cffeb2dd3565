#include "joulesweep/coordinator/job_coordinator.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sys/resource.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/protocol.hpp"
#include "joulesweep/common/shutdown_signals.hpp"
#include "joulesweep/coordinator/net_energy_tally.hpp"
#include "joulesweep/coordinator/progress_line.hpp"
#include "joulesweep/coordinator/shard_file.hpp"

namespace joulesweep::coordinator {
namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

constexpr std::chrono::microseconds kFirstPollPause{5};
constexpr std::chrono::microseconds kLongestPollPause{2000};
constexpr std::chrono::seconds kProgressWriteInterval{2};
constexpr std::chrono::seconds kCancelPatience{15};
constexpr std::chrono::seconds kStopPatience{30};
constexpr std::size_t kMaxCachedConfigs = 100000;

// A claimed run with what a worker needs to train it.
struct Assignment {
    ClaimedRun claim;
    common::ExperimentConfig config;
};

struct InFlight {
    Assignment assignment;
    int epoch = 0;
};

// A finished run waiting to be stored.
struct PendingResult {
    Assignment assignment;
    int rank = 0;
    common::RunResult result;
    Clock::time_point finished_at;
};

enum class Phase {
    kRunning,   // claiming and dispatching
    kDraining,  // no more claims; running runs may finish until the grace period ends
    kStopping,  // everything released; waiting for busy workers to abandon their runs
    kFinished,
};

// The CPU time of the coordinator's own thread: the node meter's sampler shares its
// process on the first node, and its cost is the energy measurement's (bench energy).
double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    const auto seconds = [](const timeval& value) {
        return static_cast<double>(value.tv_sec) + static_cast<double>(value.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

class JobCoordinator {
public:
    JobCoordinator(const common::Communicator& communicator,
                   const ConnectionTarget& target,
                   const CoordinatorRegistration& registration,
                   const CoordinatorOptions& options,
                   std::ostream& log)
        : communicator_(communicator),
          registration_(registration),
          options_(options),
          log_(log),
          started_(Clock::now()),
          connection_(target, options.queue, options.reconnect, [this](const std::string& line) {
              say(line);
          }) {}

    int run() {
        start();
        std::chrono::microseconds pause = kFirstPollPause;
        while (phase_ != Phase::kFinished) {
            const bool busy = step();
            if (busy) {
                pause = kFirstPollPause;
            } else {
                std::this_thread::sleep_for(pause);
                pause = std::min(pause * 2, kLongestPollPause);
            }
        }
        return finish();
    }

private:
    // ---- start and end -------------------------------------------------------------

    void start() {
        // The first connection gets the same patience as a lost one: a job that starts
        // while the database restarts waits for it instead of failing.
        const Clock::time_point give_up = Clock::now() + options_.queue.lease;
        while (true) {
            auto id = connection_.attempt("register", [&](RunQueue& queue) {
                return queue.register_coordinator(registration_);
            });
            if (id) {
                coordinator_id_ = *id;
                break;
            }
            if (Clock::now() > give_up) {
                throw common::DatabaseError(
                    fmt::format("could not reach the database within the lease ({} s)",
                                options_.queue.lease.count()),
                    true);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ShardIdentity identity{options_.job,
                               coordinator_id_,
                               registration_.host,
                               registration_.slurm_job_id,
                               options_.software_json};
        std::filesystem::create_directories(options_.shard_directory);
        shard_ = std::make_unique<ShardWriter>(
            choose_shard_path(options_.shard_directory, options_.job), identity);
        say(fmt::format("coordinator {} started: {} workers, lease {} s, shard {}",
                        coordinator_id_,
                        communicator_.size() - 1,
                        options_.queue.lease.count(),
                        shard_->path().string()));
        last_heartbeat_ = Clock::now();
        last_progress_line_ = Clock::now();
        last_progress_write_ = Clock::now();
        reap();
    }

    int finish() {
        // Store what is left, give back whatever is still ours, then stop the workers.
        const Clock::time_point give_up = Clock::now() + options_.queue.lease;
        while (!pending_results_.empty() || !pending_failures_.empty() || !to_release_.empty()) {
            flush();
            if (Clock::now() > give_up) {
                say(
                    fmt::format("error: the database stayed unreachable; {} results, {} failures "
                                "and {} releases were not stored (their runs return to the queue "
                                "when this coordinator's lease expires)",
                                pending_results_.size(),
                                pending_failures_.size(),
                                to_release_.size()));
                exit_code_ = 1;
                break;
            }
            if (!connection_.connected()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        if (!lease_lost_) {
            connection_.attempt("release held runs", [&](RunQueue& queue) {
                const int released = queue.release_all(coordinator_id_);
                if (released > 0) {
                    say(fmt::format("released {} more runs still held by this coordinator",
                                    released));
                }
            });
            connection_.attempt("mark exited",
                                [&](RunQueue& queue) { queue.mark_exited(coordinator_id_); });
        }
        const common::WorkerTotals totals = stop_workers();
        const double wall_s = Seconds(Clock::now() - started_).count();
        const double cpu_s = cpu_seconds();
        say(format_progress_line(counts()));
        say(
            fmt::format("coordinator {} exited after {}: {} runs done, {}, {} refused, "
                        "shard {} holds {} runs",
                        coordinator_id_,
                        format_clock(wall_s),
                        done_,
                        format_failed(counts()),
                        refused_,
                        shard_->path().string(),
                        shard_->run_count()));
        if (totals.training_s > 0) {
            say(fmt::format(
                "overhead: coordinator thread CPU {:.3f} s = {:.3f}% of the workers' {:.1f} s "
                "of training; workers waited {:.3f} s for their next run ({:.3f}%), "
                "{:.1f} s for their first and {:.1f} s after their last",
                cpu_s,
                100.0 * cpu_s / totals.training_s,
                totals.training_s,
                totals.waiting_s,
                100.0 * totals.waiting_s / totals.training_s,
                totals.starting_s,
                totals.ending_s));
        }
        if (net_energy_.measured_runs > 0) {
            say(net_energy_.summary());
        }
        return exit_code_;
    }

    common::WorkerTotals stop_workers() {
        common::WorkerTotals totals;
        std::set<int> running;
        for (int rank = 1; rank < communicator_.size(); ++rank) {
            communicator_.send(rank, common::MessageTag::kStop);
            running.insert(rank);
        }
        const Clock::time_point give_up = Clock::now() + kStopPatience;
        while (!running.empty() && Clock::now() < give_up) {
            auto message = communicator_.poll();
            if (!message) {
                std::this_thread::sleep_for(kLongestPollPause);
                continue;
            }
            if (message->tag == common::MessageTag::kStopped) {
                const common::WorkerTotals worker = common::decode_totals(message->payload);
                totals.runs += worker.runs;
                totals.training_s += worker.training_s;
                totals.waiting_s += worker.waiting_s;
                totals.starting_s += worker.starting_s;
                totals.ending_s += worker.ending_s;
                running.erase(message->source);
            }
            // Anything else (a late kReady, kSignal, a result of a cancelled run) no
            // longer matters: its run was released or refused.
        }
        if (!running.empty()) {
            say(fmt::format("error: {} workers did not stop within {} s; aborting the job",
                            running.size(),
                            kStopPatience.count()));
            communicator_.abort(1);
        }
        return totals;
    }

    // ---- the loop ------------------------------------------------------------------

    // One pass: messages, signals, limits, the database, dispatch. True when something
    // happened (the loop then polls again at once).
    bool step() {
        bool busy = receive_messages();
        if (phase_ == Phase::kRunning) {
            // Before any database work: a worker that just asked waits for no round trip.
            busy = dispatch() || busy;
        }
        follow_signals();
        const Clock::time_point now = Clock::now();
        if (options_.time_limit && phase_ == Phase::kRunning &&
            now - started_ >= *options_.time_limit) {
            say(fmt::format("time limit of {} s reached", options_.time_limit->count()));
            begin_drain(options_.grace);
        }
        if (now - last_heartbeat_ >= heartbeat_interval()) {
            heartbeat();
        }
        if (phase_ == Phase::kDraining && in_flight_.empty()) {
            say("drain complete: every running run finished");
            phase_ = Phase::kFinished;
            return true;
        }
        if (phase_ == Phase::kDraining && now >= grace_deadline_) {
            say(fmt::format("grace period of {} s over with {} runs still running",
                            grace_.count(),
                            in_flight_.size()));
            stop_now();
        }
        if (phase_ == Phase::kStopping && (in_flight_.empty() || now >= cancel_deadline_)) {
            if (!in_flight_.empty()) {
                say(fmt::format("{} workers did not abandon their runs within {} s",
                                in_flight_.size(),
                                kCancelPatience.count()));
                flush();
                communicator_.abort(1);
            }
            phase_ = Phase::kFinished;
            return true;
        }
        if (should_flush(now)) {
            busy = flush() || busy;
        }
        if (now - last_progress_write_ >= kProgressWriteInterval) {
            write_progress();
        }
        if (phase_ == Phase::kRunning) {
            busy = claim_if_needed(now) || busy;
            busy = dispatch() || busy;
            if (nothing_left(now)) {
                phase_ = Phase::kFinished;
            }
        }
        if (now - last_progress_line_ >= options_.progress_interval) {
            say(format_progress_line(counts()));
            last_progress_line_ = now;
        }
        return busy;
    }

    // True when a message asks for a prompt answer (a worker is ready, a run ended). A
    // progress report asks for none: resetting the poll backoff for each one made the
    // coordinator spin between the epochs of short runs (docs/benchmarks.md, "Waiting").
    bool receive_messages() {
        bool prompt = false;
        while (auto message = communicator_.poll()) {
            prompt = prompt || message->tag != common::MessageTag::kProgress;
            handle(*message);
        }
        return prompt;
    }

    void handle(const common::Envelope& message) {
        switch (message.tag) {
            case common::MessageTag::kReady:
                idle_.insert(message.source);
                return;
            case common::MessageTag::kProgress: {
                const common::RunProgress progress = common::decode_progress(message.payload);
                auto found = in_flight_.find(message.source);
                if (found != in_flight_.end() &&
                    found->second.assignment.claim.run_id == progress.run_id) {
                    found->second.epoch = progress.epoch;
                    progress_dirty_.insert(message.source);
                }
                return;
            }
            case common::MessageTag::kResult: {
                common::RunOutcome outcome = common::decode_outcome(message.payload);
                auto assignment = take_in_flight(message.source, outcome.run_id);
                if (assignment) {
                    pending_results_.push_back(PendingResult{std::move(*assignment),
                                                             message.source,
                                                             std::move(outcome.result),
                                                             Clock::now()});
                    run_ended();
                }
                return;
            }
            case common::MessageTag::kFailure: {
                const common::RunFailureReport failure = common::decode_failure(message.payload);
                auto assignment = take_in_flight(message.source, failure.run_id);
                if (assignment) {
                    say(fmt::format("run {} ({}) failed on rank {}: {}",
                                    failure.run_id,
                                    describe_experiment(assignment->config),
                                    message.source,
                                    failure.message));
                    pending_failures_.push_back(RunFailure{
                        failure.run_id, failure.attempt, failure.message, failure.permanent});
                    run_ended();
                }
                return;
            }
            case common::MessageTag::kCancelled:
                take_in_flight(message.source, common::decode_reference(message.payload).run_id);
                return;
            case common::MessageTag::kSignal:
                worker_signals_ =
                    std::max(worker_signals_, common::decode_signal_count(message.payload));
                return;
            default:
                throw common::MpiError(
                    fmt::format("coordinator: unexpected {} message from rank {}",
                                common::to_text(message.tag),
                                message.source));
        }
    }

    // A worker is free again: look for work at once, even if the last claim found none.
    void run_ended() {
        last_finish_ = Clock::now();
        next_claim_ = last_finish_;
    }

    std::optional<Assignment> take_in_flight(int rank, std::int64_t run_id) {
        auto found = in_flight_.find(rank);
        if (found == in_flight_.end() || found->second.assignment.claim.run_id != run_id) {
            return std::nullopt;
        }
        Assignment assignment = std::move(found->second.assignment);
        in_flight_.erase(found);
        progress_dirty_.erase(rank);
        return assignment;
    }

    // ---- signals and ending ----------------------------------------------------------

    void follow_signals() {
        const int signals = std::max(common::shutdown_signal_count(), worker_signals_);
        if (signals == handled_signals_) {
            return;
        }
        handled_signals_ = signals;
        if (signals >= 2 && phase_ != Phase::kStopping && phase_ != Phase::kFinished) {
            say("second shutdown signal: releasing every claimed run and stopping now");
            stop_now();
        } else if (signals == 1 && phase_ == Phase::kRunning) {
            const bool terminated = common::last_shutdown_signal() == SIGTERM;
            const std::chrono::seconds grace =
                terminated && options_.term_grace ? *options_.term_grace : options_.grace;
            say(fmt::format("shutdown signal{}: draining (no more claims; running runs have {} s)",
                            terminated ? " (SIGTERM)" : "",
                            grace.count()));
            begin_drain(grace);
        }
    }

    void begin_drain(std::chrono::seconds grace) {
        phase_ = Phase::kDraining;
        grace_ = grace;
        grace_deadline_ = Clock::now() + grace;
        connection_.attempt("mark draining",
                            [&](RunQueue& queue) { queue.mark_draining(coordinator_id_); });
        release_buffered();
    }

    void stop_now() {
        phase_ = Phase::kStopping;
        cancel_deadline_ = Clock::now() + kCancelPatience;
        release_buffered();
        for (const auto& [rank, flight] : in_flight_) {
            to_release_.push_back(flight.assignment.claim.run_id);
            communicator_.send(
                rank,
                common::MessageTag::kCancel,
                common::encode(common::RunReference{flight.assignment.claim.run_id,
                                                    flight.assignment.claim.attempt}));
        }
        flush();
    }

    void release_buffered() {
        for (const Assignment& assignment : buffered_) {
            to_release_.push_back(assignment.claim.run_id);
        }
        buffered_.clear();
        flush();
    }

    bool nothing_left(Clock::time_point now) const {
        if (!in_flight_.empty() || !buffered_.empty() || !pending_results_.empty() ||
            !pending_failures_.empty()) {
            return false;
        }
        if (options_.max_runs && claimed_total_ >= *options_.max_runs) {
            return true;
        }
        // The queue looked empty after the last run ended: nothing is claimable now.
        return !options_.wait && empty_claim_at_ && *empty_claim_at_ >= last_finish_ &&
               now >= *empty_claim_at_;
    }

    // ---- the database ------------------------------------------------------------------

    std::chrono::steady_clock::duration heartbeat_interval() const {
        return std::max<Clock::duration>(std::chrono::seconds(1), options_.queue.lease / 3);
    }

    void heartbeat() {
        auto alive = connection_.attempt(
            "heartbeat", [&](RunQueue& queue) { return queue.heartbeat(coordinator_id_); });
        if (!alive) {
            return;  // unreachable: try again at the next pass after the backoff
        }
        last_heartbeat_ = Clock::now();
        if (!*alive) {
            lose_lease();
            return;
        }
        reap();
    }

    void reap() {
        auto reaped =
            connection_.attempt("reap", [&](RunQueue& queue) { return queue.reap_expired(); });
        if (reaped && !reaped->empty()) {
            const auto dead =
                std::count_if(reaped->begin(), reaped->end(), [](const RunTransition& t) {
                    return t.status == "failed";
                });
            say(
                fmt::format("reaped {} runs of expired coordinators ({} back in the queue, {} "
                            "dead-lettered after too many losses)",
                            reaped->size(),
                            static_cast<std::int64_t>(reaped->size()) - dead,
                            dead));
        }
    }

    void lose_lease() {
        say("error: this coordinator's lease was lost (it was reaped while unreachable); its "
            "claims now belong to the queue again, so it stops without storing more");
        lease_lost_ = true;
        exit_code_ = 1;
        buffered_.clear();
        pending_results_.clear();
        pending_failures_.clear();
        to_release_.clear();
        phase_ = Phase::kStopping;
        cancel_deadline_ = Clock::now() + kCancelPatience;
        for (const auto& [rank, flight] : in_flight_) {
            communicator_.send(
                rank,
                common::MessageTag::kCancel,
                common::encode(common::RunReference{flight.assignment.claim.run_id,
                                                    flight.assignment.claim.attempt}));
        }
    }

    bool claim_if_needed(Clock::time_point now) {
        const auto wanted = static_cast<std::int64_t>(idle_.size()) + options_.prefetch -
                            static_cast<std::int64_t>(buffered_.size());
        // Refill the buffer ahead of need, so that a worker that finishes finds its next
        // run waiting instead of a database round trip.
        if (wanted <= 0 || now < next_claim_) {
            return false;
        }
        std::int64_t count = wanted;
        if (options_.max_runs) {
            count = std::min(count, *options_.max_runs - claimed_total_);
            if (count <= 0) {
                return false;
            }
        }
        auto claimed = connection_.attempt("claim", [&](RunQueue& queue) {
            std::vector<ClaimedRun> runs = queue.claim(coordinator_id_, static_cast<int>(count));
            load_configs(queue, runs);
            return runs;
        });
        if (!claimed) {
            return false;
        }
        if (claimed->empty()) {
            empty_claim_at_ = Clock::now();
            next_claim_ = now + options_.empty_poll;
            return false;
        }
        claimed_total_ += static_cast<std::int64_t>(claimed->size());
        for (ClaimedRun& run : *claimed) {
            buffered_.push_back(Assignment{run, configs_.at(run.experiment_id)});
        }
        return true;
    }

    void load_configs(RunQueue& queue, const std::vector<ClaimedRun>& runs) {
        std::vector<std::int64_t> missing;
        for (const ClaimedRun& run : runs) {
            if (!configs_.contains(run.experiment_id)) {
                missing.push_back(run.experiment_id);
            }
        }
        if (missing.empty()) {
            return;
        }
        if (configs_.size() > kMaxCachedConfigs) {
            configs_.clear();
        }
        configs_.merge(queue.experiment_configs(missing));
    }

    bool should_flush(Clock::time_point now) const {
        if (!to_release_.empty() || !pending_failures_.empty()) {
            return true;
        }
        return !pending_results_.empty() &&
               (pending_results_.size() >= options_.flush_batch ||
                now - pending_results_.front().finished_at >= options_.flush_interval);
    }

    // Stores results, failures and releases. True when something was written.
    bool flush() {
        bool wrote = false;
        if (!to_release_.empty()) {
            auto released = connection_.attempt("release", [&](RunQueue& queue) {
                return queue.release(coordinator_id_, to_release_);
            });
            if (released) {
                say(fmt::format("released {} runs back to the queue", *released));
                released_ += *released;
                to_release_.clear();
                wrote = true;
            }
        }
        while (!pending_failures_.empty()) {
            const RunFailure& failure = pending_failures_.front();
            auto transition = connection_.attempt("record a failure", [&](RunQueue& queue) {
                return queue.fail(coordinator_id_, failure);
            });
            if (!transition) {
                break;
            }
            if (*transition) {
                ++failed_attempts_;
                failed_runs_.insert(failure.run_id);
                say(fmt::format("run {} {}",
                                failure.run_id,
                                (*transition)->status == "failed"
                                    ? "dead-lettered (permanent, or too many failures)"
                                    : "will be retried after a backoff"));
            }
            pending_failures_.pop_front();
            wrote = true;
        }
        if (!pending_results_.empty()) {
            wrote = store_results() || wrote;
        }
        return wrote;
    }

    bool store_results() {
        std::vector<RunCompletion> completions;
        completions.reserve(pending_results_.size());
        for (const PendingResult& pending : pending_results_) {
            completions.push_back(RunCompletion{
                pending.assignment.claim.run_id, pending.assignment.claim.attempt, pending.result});
        }
        auto accepted = connection_.attempt("store results", [&](RunQueue& queue) {
            return queue.complete(coordinator_id_, completions);
        });
        if (!accepted) {
            return false;
        }
        const std::set<std::int64_t> stored(accepted->begin(), accepted->end());
        std::vector<ShardRun> shard_runs;
        for (PendingResult& pending : pending_results_) {
            const ClaimedRun& claim = pending.assignment.claim;
            if (!stored.contains(claim.run_id)) {
                ++refused_;
                say(
                    fmt::format("run {} refused by the queue: no longer held by this coordinator "
                                "under attempt {} (released or reaped)",
                                claim.run_id,
                                claim.attempt));
                continue;
            }
            ++done_;
            if (pending.result.energy) {
                net_energy_.add(*pending.result.energy, pending.result.epoch_wall_s.size());
            }
            const auto& test_loss = pending.result.statistics.at(common::kStatisticCount / 2);
            say(fmt::format(
                "run {} done on rank {}: {} rep {}, {} epochs{}, test loss {:.5g}, {:.2f} s{}",
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
        pending_results_.clear();
        shard_->append(shard_runs);
        return true;
    }

    static double sum_of(const std::vector<float>& values) {
        double total = 0;
        for (const float value : values) {
            total += value;
        }
        return total;
    }

    // ", 12.5 J (estimate, shared node)", or "" for a run measured without energy.
    static std::string energy_summary(const std::optional<common::RunEnergy>& energy) {
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

    void write_progress() {
        last_progress_write_ = Clock::now();
        if (progress_dirty_.empty()) {
            return;
        }
        std::vector<RunEpoch> epochs;
        for (const int rank : progress_dirty_) {
            const InFlight& flight = in_flight_.at(rank);
            epochs.push_back(RunEpoch{
                flight.assignment.claim.run_id, flight.assignment.claim.attempt, flight.epoch});
        }
        if (connection_.attempt("record progress", [&](RunQueue& queue) {
                queue.record_progress(coordinator_id_, epochs);
            })) {
            progress_dirty_.clear();
        }
    }

    // ---- dispatch ------------------------------------------------------------------------

    bool dispatch() {
        bool sent = false;
        while (!idle_.empty() && !buffered_.empty()) {
            const int rank = *idle_.begin();
            idle_.erase(idle_.begin());
            Assignment assignment = std::move(buffered_.front());
            buffered_.pop_front();
            const common::RunAssignment message{assignment.claim.run_id,
                                                assignment.claim.attempt,
                                                assignment.claim.seed,
                                                assignment.config};
            communicator_.send(rank, common::MessageTag::kAssign, common::encode(message));
            in_flight_.emplace(rank, InFlight{std::move(assignment), 0});
            sent = true;
        }
        return sent;
    }

    ProgressCounts counts() const {
        return ProgressCounts{done_,
                              static_cast<std::int64_t>(failed_runs_.size()),
                              failed_attempts_,
                              static_cast<std::int64_t>(in_flight_.size()),
                              static_cast<std::int64_t>(buffered_.size()),
                              Seconds(Clock::now() - started_).count()};
    }

    void say(const std::string& line) {
        log_ << fmt::format(
            "[{:>8}] {}\n", format_clock(Seconds(Clock::now() - started_).count()), line);
        log_.flush();
    }

    const common::Communicator& communicator_;
    const CoordinatorRegistration& registration_;
    const CoordinatorOptions& options_;
    std::ostream& log_;
    Clock::time_point started_;
    QueueConnection connection_;
    std::unique_ptr<ShardWriter> shard_;
    std::int64_t coordinator_id_ = 0;
    Phase phase_ = Phase::kRunning;
    int exit_code_ = 0;
    bool lease_lost_ = false;
    int worker_signals_ = 0;
    int handled_signals_ = 0;

    std::set<int> idle_;
    std::deque<Assignment> buffered_;
    std::map<int, InFlight> in_flight_;
    std::set<int> progress_dirty_;
    std::map<std::int64_t, common::ExperimentConfig> configs_;
    std::deque<PendingResult> pending_results_;
    std::deque<RunFailure> pending_failures_;
    std::vector<std::int64_t> to_release_;

    std::int64_t claimed_total_ = 0;
    std::int64_t done_ = 0;
    std::set<std::int64_t> failed_runs_;  // runs a worker reported failing in this job
    std::int64_t failed_attempts_ = 0;    // the failures reported: a retried run counts each
    std::int64_t refused_ = 0;
    NetEnergyTally net_energy_;
    std::int64_t released_ = 0;
    Clock::time_point last_heartbeat_;
    Clock::time_point last_progress_line_;
    Clock::time_point last_progress_write_;
    Clock::time_point last_finish_{};
    Clock::time_point next_claim_{};
    std::chrono::seconds grace_{};
    Clock::time_point grace_deadline_{};
    Clock::time_point cancel_deadline_{};
    std::optional<Clock::time_point> empty_claim_at_;
};

}  // namespace

int run_coordinator(const common::Communicator& communicator,
                    const ConnectionTarget& target,
                    const CoordinatorRegistration& registration,
                    const CoordinatorOptions& options,
                    std::ostream& log) {
    if (communicator.size() < 2) {
        throw common::ConfigError(
            "run: needs at least 2 MPI ranks (rank 0 coordinates, the others train); start it "
            "with mpirun -n N or srun");
    }
    return JobCoordinator(communicator, target, registration, options, log).run();
}

}  // namespace joulesweep::coordinator
