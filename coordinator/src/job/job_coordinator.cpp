#include "joulesweep/coordinator/job/job_coordinator.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <sys/resource.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/shutdown_signals.hpp"
#include "joulesweep/coordinator/job/coordinator_core.hpp"
#include "joulesweep/coordinator/job/job_log.hpp"
#include "joulesweep/coordinator/shard/shard_file.hpp"

namespace joulesweep::coordinator {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::microseconds kFirstPollPause{5};
constexpr std::chrono::microseconds kLongestPollPause{2000};
constexpr std::size_t kMaxCachedConfigs = 100000;

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

class MpiWorkers final : public WorkerLink {
public:
    explicit MpiWorkers(const common::Communicator& communicator) : communicator_(communicator) {}

    int worker_count() const override { return communicator_.size() - 1; }

    void assign(int rank, const common::RunAssignment& assignment) override {
        communicator_.send(rank, common::MessageTag::kAssign, common::encode(assignment));
    }

    void cancel(int rank, const common::RunReference& run) override {
        communicator_.send(rank, common::MessageTag::kCancel, common::encode(run));
    }

    void stop(int rank) override { communicator_.send(rank, common::MessageTag::kStop); }

    void abort(int exit_code) override { communicator_.abort(exit_code); }

private:
    const common::Communicator& communicator_;
};

// The queue through a connection that survives database restarts, with the claimed
// experiments' configurations cached (a sweep's runs share a few thousand of them).
class DatabaseQueue final : public QueuePort {
public:
    DatabaseQueue(const ConnectionTarget& target,
                  const CoordinatorRegistration& registration,
                  const CoordinatorOptions& options,
                  JobLog& log)
        : registration_(registration),
          connection_(target, options.queue, options.reconnect, [&log](const std::string& line) {
              log.say(Clock::now(), line);
          }) {}

    bool connected() const override { return connection_.connected(); }

    std::optional<std::int64_t> register_coordinator() override {
        return connection_.attempt(
            "register", [&](RunQueue& queue) { return queue.register_coordinator(registration_); });
    }

    std::optional<std::vector<Assignment>> claim(std::int64_t id, int count) override {
        return connection_.attempt("claim", [&](RunQueue& queue) {
            std::vector<ClaimedRun> runs = queue.claim(id, count);
            load_configs(queue, runs);
            std::vector<Assignment> assignments;
            assignments.reserve(runs.size());
            std::vector<std::int64_t> searches;
            for (const ClaimedRun& run : runs) {
                assignments.push_back(Assignment{run, configs_.at(run.experiment_id)});
                if (assignments.back().config.kind == common::WorkKind::kSearch) {
                    searches.push_back(run.run_id);
                }
            }
            const auto resume = queue.search_resume(searches);
            for (Assignment& assignment : assignments) {
                if (const auto found = resume.find(assignment.claim.run_id);
                    found != resume.end()) {
                    assignment.search_attempts_done = found->second.attempts_done;
                    assignment.search_reference = found->second.reference_operations;
                }
            }
            return assignments;
        });
    }

    std::optional<bool> heartbeat(std::int64_t id) override {
        return connection_.attempt("heartbeat",
                                   [&](RunQueue& queue) { return queue.heartbeat(id); });
    }

    std::optional<std::vector<RunTransition>> reap_expired() override {
        return connection_.attempt("reap", [](RunQueue& queue) { return queue.reap_expired(); });
    }

    std::optional<std::vector<std::int64_t>> complete(
        std::int64_t id, const std::vector<common::RunOutcome>& outcomes) override {
        return connection_.attempt("store results",
                                   [&](RunQueue& queue) { return queue.complete(id, outcomes); });
    }

    std::optional<bool> store_attempt(std::int64_t id,
                                      const common::SearchAttemptReport& report) override {
        return connection_.attempt("store a search attempt", [&](RunQueue& queue) {
            return queue.store_attempt(id, report);
        });
    }

    std::optional<std::optional<RunTransition>> fail(std::int64_t id,
                                                     const common::RunFailure& failure) override {
        return connection_.attempt("record a failure",
                                   [&](RunQueue& queue) { return queue.fail(id, failure); });
    }

    std::optional<int> release(std::int64_t id, const std::vector<std::int64_t>& runs) override {
        return connection_.attempt("release",
                                   [&](RunQueue& queue) { return queue.release(id, runs); });
    }

    std::optional<int> release_all(std::int64_t id) override {
        return connection_.attempt("release held runs",
                                   [&](RunQueue& queue) { return queue.release_all(id); });
    }

    bool record_progress(std::int64_t id, const std::vector<RunEpoch>& epochs) override {
        return connection_
            .attempt("record progress", [&](RunQueue& queue) { queue.record_progress(id, epochs); })
            .has_value();
    }

    bool mark_draining(std::int64_t id) override {
        return connection_
            .attempt("mark draining", [&](RunQueue& queue) { queue.mark_draining(id); })
            .has_value();
    }

    bool mark_exited(std::int64_t id) override {
        return connection_.attempt("mark exited", [&](RunQueue& queue) { queue.mark_exited(id); })
            .has_value();
    }

private:
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

    const CoordinatorRegistration& registration_;
    QueueConnection connection_;
    std::map<std::int64_t, common::ExperimentConfig> configs_;
};

class HdfShard final : public ShardSink {
public:
    HdfShard(const CoordinatorRegistration& registration, const CoordinatorOptions& options)
        : registration_(registration), options_(options) {}

    std::string open(std::int64_t coordinator_id) override {
        const ShardIdentity identity{options_.job,
                                     coordinator_id,
                                     registration_.host,
                                     registration_.slurm_job_id,
                                     options_.software_json};
        std::filesystem::create_directories(options_.shard_directory);
        writer_ = std::make_unique<ShardWriter>(
            choose_shard_path(options_.shard_directory, options_.job), identity);
        return writer_->path().string();
    }

    void append(const std::vector<ShardRun>& runs) override { writer_->append(runs); }

    std::int64_t run_count() const override { return writer_ ? writer_->run_count() : 0; }

private:
    const CoordinatorRegistration& registration_;
    const CoordinatorOptions& options_;
    std::unique_ptr<ShardWriter> writer_;
};

// Hands one message to the core. True when it asks for a prompt answer (a worker is
// ready, a run ended). A progress report asks for none: resetting the poll backoff for
// each one made the coordinator spin between the epochs of short runs
// (docs/benchmarks.md, "Waiting without spinning").
bool deliver(CoordinatorCore& core, const common::Envelope& message) {
    const int rank = message.source;
    switch (message.tag) {
        case common::MessageTag::kReady:
            core.worker_ready(rank);
            return true;
        case common::MessageTag::kProgress:
            core.worker_progress(rank, common::decode_progress(message.payload));
            return false;
        case common::MessageTag::kResult:
            core.worker_result(rank, common::decode_outcome(message.payload), Clock::now());
            return true;
        case common::MessageTag::kAttempt:
            core.worker_attempt(rank, common::decode_attempt(message.payload), Clock::now());
            return true;
        case common::MessageTag::kFailure:
            core.worker_failure(rank, common::decode_failure(message.payload), Clock::now());
            return true;
        case common::MessageTag::kCancelled:
            core.worker_cancelled(rank, common::decode_reference(message.payload));
            return true;
        case common::MessageTag::kSignal:
            core.worker_signal(common::decode_signal_count(message.payload));
            return true;
        case common::MessageTag::kStopped:
            core.worker_stopped(rank, common::decode_totals(message.payload));
            return true;
        default:
            throw common::MpiError(fmt::format("coordinator: unexpected {} message from rank {}",
                                               common::to_text(message.tag),
                                               rank));
    }
}

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
    const Clock::time_point started = Clock::now();
    JobLog connection_log(log, started);
    MpiWorkers workers(communicator);
    DatabaseQueue queue(target, registration, options, connection_log);
    HdfShard shard(registration, options);
    CoordinatorCore core(options, workers, queue, shard, log, started);
    std::chrono::microseconds pause = kFirstPollPause;
    while (!core.finished()) {
        bool busy = false;
        while (auto message = communicator.poll()) {
            busy = deliver(core, *message) || busy;
        }
        core.shutdown_signals(common::shutdown_signal_count(),
                              common::last_shutdown_signal() == SIGTERM);
        busy = core.step(Clock::now()) || busy;
        if (busy) {
            pause = kFirstPollPause;
        } else {
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, kLongestPollPause);
        }
    }
    return core.report(cpu_seconds(), Clock::now());
}

}  // namespace joulesweep::coordinator
