#include "joulesweep/worker/run_worker.hpp"

#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/shutdown_signals.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/model/trainer.hpp"
#include "joulesweep/worker/power/run_energy_recorder.hpp"

namespace joulesweep::worker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kCoordinatorRank = 0;
// Idle polls back off from a few microseconds to 10 ms: quick to answer while work flows
// (an assignment that follows a result comes within microseconds), and about 0.2% of a
// core while waiting (a 1 ms ceiling cost 2%: docs/benchmarks.md, "Waiting").
constexpr std::chrono::microseconds kFirstPollPause{5};
constexpr std::chrono::microseconds kLongestPollPause{10000};

// Thrown from the epoch callback when the coordinator cancels the run; never leaves
// this file.
struct RunCancelled : std::exception {};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class Worker {
public:
    Worker(const common::Communicator& communicator, const WorkerContext& context)
        : communicator_(communicator), context_(context) {}

    common::WorkerTotals serve() {
        communicator_.send(kCoordinatorRank, common::MessageTag::kReady);
        Clock::time_point waiting_since = Clock::now();
        std::chrono::microseconds pause = kFirstPollPause;
        while (true) {
            report_new_signals();
            if (held_ && begin_run()) {
                const common::RunAssignment assignment = std::move(*held_);
                held_.reset();
                train_and_end_run(assignment);
                waiting_since = Clock::now();
                continue;
            }
            auto message = communicator_.poll(kCoordinatorRank);
            if (!message) {
                std::this_thread::sleep_for(pause);
                pause = std::min(pause * 2, kLongestPollPause);
                continue;
            }
            pause = kFirstPollPause;
            const double waited = seconds_since(waiting_since);
            if (message->tag == common::MessageTag::kStop) {
                (totals_.runs == 0 ? totals_.starting_s : totals_.ending_s) += waited;
            } else if (totals_.runs == 0) {
                totals_.starting_s += waited;
            } else {
                totals_.waiting_s += waited;
            }
            switch (message->tag) {
                case common::MessageTag::kAssign: {
                    common::RunAssignment assignment = common::decode_assignment(message->payload);
                    if (begin_run()) {
                        train_and_end_run(assignment);
                    } else {
                        held_ = std::move(assignment);  // the node measures its idle power
                    }
                    waiting_since = Clock::now();
                    break;
                }
                case common::MessageTag::kCancel:
                    // For the run held while the node measures its idle power; otherwise
                    // for a run that finished before the cancel arrived: nothing to do.
                    if (held_ &&
                        common::decode_reference(message->payload).run_id == held_->run_id) {
                        communicator_.send(
                            kCoordinatorRank,
                            common::MessageTag::kCancelled,
                            common::encode(common::RunReference{held_->run_id, held_->attempt}));
                        held_.reset();
                        communicator_.send(kCoordinatorRank, common::MessageTag::kReady);
                    }
                    waiting_since = Clock::now();
                    break;
                case common::MessageTag::kStop:
                    communicator_.send(
                        kCoordinatorRank, common::MessageTag::kStopped, common::encode(totals_));
                    return totals_;
                default:
                    throw common::MpiError(fmt::format("worker rank {}: unexpected {} message",
                                                       communicator_.rank(),
                                                       common::to_text(message->tag)));
            }
        }
    }

private:
    // False while the node's meter measures its idle power (the ring's idle window): the
    // run waits for it, as every other run of the node does.
    bool begin_run() const {
        return context_.energy_ring == nullptr || context_.energy_ring->try_begin_run();
    }

    // Trains a run begun with begin_run(), ends it and asks for the next.
    void train_and_end_run(const common::RunAssignment& assignment) {
        train(assignment);
        if (context_.energy_ring != nullptr) {
            context_.energy_ring->end_run();
        }
        communicator_.send(kCoordinatorRank, common::MessageTag::kReady);
    }

    void train(const common::RunAssignment& assignment) {
        const Clock::time_point start = Clock::now();
        try {
            TrainingOptions options;
            options.backend = context_.backend;
            std::optional<power::RunEnergyRecorder> energy;
            if (context_.energy_ring != nullptr) {
                energy.emplace(*context_.energy_ring, context_.only_training_rank_on_node);
                options.on_start = [&](std::int64_t train_rows) {
                    energy->start_run(train_rows);
                };
            }
            options.on_epoch = [&](const EpochReport& report) {
                if (energy) {
                    energy->end_epoch();
                }
                after_epoch(assignment, report);
            };
            common::RunOutcome outcome{assignment.run_id, assignment.attempt, {}};
            outcome.result = train_run(assignment.config,
                                       dataset(assignment.config.dataset),
                                       static_cast<std::uint64_t>(assignment.seed),
                                       options);
            outcome.result.host = context_.host;
            outcome.result.slurm_job_id = context_.slurm_job_id;
            outcome.result.software_json = context_.software_json;
            if (energy) {
                outcome.result.energy = energy->finish();
                if (outcome.result.energy) {
                    outcome.result.energy->node_type = context_.node_type;
                }
            }
            communicator_.send(
                kCoordinatorRank, common::MessageTag::kResult, common::encode(outcome));
        } catch (const RunCancelled&) {
            communicator_.send(
                kCoordinatorRank,
                common::MessageTag::kCancelled,
                common::encode(common::RunReference{assignment.run_id, assignment.attempt}));
        } catch (const common::MpiError&) {
            throw;  // the job cannot go on without its coordinator
        } catch (const common::Error& error) {
            report_failure(assignment,
                           fmt::format("{} error: {}", common::to_text(error.kind()), error.what()),
                           error.kind() == common::ErrorKind::kConfig);
        } catch (const std::exception& error) {
            report_failure(assignment, fmt::format("unexpected error: {}", error.what()), false);
        }
        totals_.training_s += seconds_since(start);
        ++totals_.runs;
    }

    void after_epoch(const common::RunAssignment& assignment, const EpochReport& report) {
        const common::RunProgress progress{assignment.run_id,
                                           assignment.attempt,
                                           report.epoch,
                                           report.epochs,
                                           report.statistics.at(common::kTestLossIndex)};
        communicator_.send(
            kCoordinatorRank, common::MessageTag::kProgress, common::encode(progress));
        report_new_signals();
        while (auto message = communicator_.poll(kCoordinatorRank)) {
            if (message->tag != common::MessageTag::kCancel) {
                throw common::MpiError(fmt::format("worker rank {}: unexpected {} during a run",
                                                   communicator_.rank(),
                                                   common::to_text(message->tag)));
            }
            if (common::decode_reference(message->payload).run_id == assignment.run_id) {
                throw RunCancelled{};
            }
        }
    }

    void report_failure(const common::RunAssignment& assignment,
                        std::string message,
                        bool permanent) {
        const common::RunFailure failure{
            assignment.run_id, assignment.attempt, std::move(message), permanent};
        communicator_.send(kCoordinatorRank, common::MessageTag::kFailure, common::encode(failure));
    }

    // Tells the coordinator when this rank got a shutdown signal: under Slurm every rank
    // may get it, but only the coordinator decides what to do.
    void report_new_signals() {
        const int count = common::shutdown_signal_count();
        if (count > reported_signals_) {
            reported_signals_ = count;
            communicator_.send(
                kCoordinatorRank, common::MessageTag::kSignal, common::encode_signal_count(count));
        }
    }

    // Runs of one experiment's dataset tend to come together: keep the last one loaded.
    const PreparedDataset& dataset(const std::string& name) {
        if (!cached_dataset_ || cached_name_ != name) {
            cached_dataset_.reset();
            cached_dataset_ = std::make_unique<PreparedDataset>(
                read_dataset_file(context_.datasets_dir / fmt::format("{}.h5", name)));
            cached_name_ = name;
        }
        return *cached_dataset_;
    }

    const common::Communicator& communicator_;
    const WorkerContext& context_;
    common::WorkerTotals totals_;
    int reported_signals_ = 0;
    std::optional<common::RunAssignment> held_;  // assigned while the node measured idle power
    std::string cached_name_;
    std::unique_ptr<PreparedDataset> cached_dataset_;
};

}  // namespace

common::WorkerTotals run_worker(const common::Communicator& communicator,
                                const WorkerContext& context) {
    return Worker(communicator, context).serve();
}

}  // namespace joulesweep::worker
