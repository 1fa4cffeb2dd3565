#pragma once
// The decisions of `joulesweep run`'s coordinator, as a state machine with no MPI, no
// database and no clock of its own. Events come in (a worker's message, a shutdown
// signal, the passing of time: every call carries `now`); actions go out through the
// ports (coordinator_ports.hpp): assign or cancel a run, claim, heartbeat, store, release,
// append to the shard, log. job_coordinator.cpp drives it with MPI, PostgreSQL and the
// steady clock; its unit tests drive it with fakes and a fake clock.
//
// Phases: registering (until the database answers, for at most one lease) → running
// (claim ahead of idle workers, dispatch, heartbeat and reap, store in batches) →
// draining (first signal or --time-limit: no more claims, running runs may finish
// within the grace) → stopping (second signal, grace over or lease lost: release
// everything, cancel running runs) → storing (what is left, for at most one lease) →
// stopping workers (kStop to each, wait for their totals) → finished.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>

#include "joulesweep/common/protocol.hpp"
#include "joulesweep/coordinator/job/coordinator_options.hpp"
#include "joulesweep/coordinator/job/coordinator_ports.hpp"
#include "joulesweep/coordinator/job/job_log.hpp"
#include "joulesweep/coordinator/job/pending_writes.hpp"
#include "joulesweep/coordinator/reports/progress_line.hpp"

namespace joulesweep::coordinator {

enum class CoordinatorPhase {
    kRegistering,
    kRunning,
    kDraining,
    kStopping,
    kStoring,
    kStoppingWorkers,
    kFinished,
};

class CoordinatorCore {
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;

    // How long a cancelled run may take to be abandoned, and a worker to answer kStop.
    static constexpr std::chrono::seconds kCancelPatience{15};
    static constexpr std::chrono::seconds kStopPatience{30};
    static constexpr std::chrono::milliseconds kRegisterRetry{100};
    static constexpr std::chrono::seconds kProgressWriteInterval{2};

    CoordinatorCore(const CoordinatorOptions& options,
                    WorkerLink& workers,
                    QueuePort& queue,
                    ShardSink& shard,
                    std::ostream& log,
                    TimePoint now);

    // ---- events from the workers
    void worker_ready(int rank);
    void worker_progress(int rank, const common::RunProgress& progress);
    void worker_result(int rank, common::RunOutcome outcome, TimePoint now);
    // One attempt of a search run; the final one ends the run like a result.
    void worker_attempt(int rank, common::SearchAttemptReport report, TimePoint now);
    void worker_failure(int rank, const common::RunFailure& failure, TimePoint now);
    void worker_cancelled(int rank, const common::RunReference& run);
    void worker_signal(int count);  // a worker rank got `count` shutdown signals so far
    void worker_stopped(int rank, const common::WorkerTotals& totals);

    // ---- events from this process: its shutdown signals so far, and the last one's kind
    void shutdown_signals(int count, bool last_was_sigterm);

    // One pass of decisions at `now`. True when something happened (poll again at once).
    // Throws DatabaseError when the database stayed unreachable through registration.
    bool step(TimePoint now);

    // The job's last log lines (counts, overhead against the workers' training time,
    // net energy); returns the exit code: 0 all done or drained with nothing lost, 1 the
    // lease was lost, results could not be stored or a rank had to be aborted.
    int report(double coordinator_cpu_s, TimePoint now);

    CoordinatorPhase phase() const noexcept { return phase_; }

    bool finished() const noexcept { return phase_ == CoordinatorPhase::kFinished; }

    std::int64_t coordinator_id() const noexcept { return coordinator_id_; }

    ProgressCounts counts() const;

    const WriteTally& tally() const noexcept { return writes_.tally(); }

private:
    struct InFlight {
        Assignment assignment;
        int epoch = 0;
    };

    bool try_register();
    bool step_working();
    bool store_rest();
    bool await_stopped();

    void follow_signals();
    void begin_drain(std::chrono::seconds grace);
    void stop_now();
    void cancel_in_flight(bool release);
    void release_buffered();
    void lose_lease();
    void enter_storing();
    void heartbeat();
    void reap();
    bool claim_if_needed();
    bool dispatch();
    bool nothing_left() const;
    void write_progress();
    void run_ended(TimePoint now);
    std::optional<Assignment> take_in_flight(int rank, std::int64_t run_id);
    Clock::duration heartbeat_interval() const;

    void say(const std::string& line) { log_.say(now_, line); }

    const CoordinatorOptions& options_;
    WorkerLink& workers_;
    QueuePort& queue_;
    ShardSink& shard_;
    JobLog log_;
    PendingWrites writes_;
    TimePoint now_;
    TimePoint started_;
    CoordinatorPhase phase_ = CoordinatorPhase::kRegistering;
    std::int64_t coordinator_id_ = 0;
    std::string shard_path_;
    int exit_code_ = 0;
    bool lease_lost_ = false;

    int worker_signals_ = 0;
    int own_signals_ = 0;
    bool last_was_sigterm_ = false;
    int handled_signals_ = 0;

    std::set<int> idle_;
    std::deque<Assignment> buffered_;
    std::map<int, InFlight> in_flight_;
    std::set<int> progress_dirty_;
    std::set<int> not_stopped_;
    common::WorkerTotals worker_totals_;

    std::int64_t claimed_total_ = 0;
    TimePoint register_give_up_;
    TimePoint next_register_{};
    TimePoint last_heartbeat_{};
    TimePoint last_progress_line_{};
    TimePoint last_progress_write_{};
    TimePoint last_finish_{};
    TimePoint next_claim_{};
    std::chrono::seconds grace_{};
    TimePoint grace_deadline_{};
    TimePoint cancel_deadline_{};
    TimePoint store_give_up_{};
    TimePoint stop_give_up_{};
    std::optional<TimePoint> empty_claim_at_;
};

}  // namespace joulesweep::coordinator
