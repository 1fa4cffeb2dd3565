#include "joulesweep/worker/run_worker.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/shutdown_signals.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/model/search_trainer.hpp"
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
            if (assignment.config.kind == common::WorkKind::kSearch) {
                search(assignment);
            } else {
                std::optional<power::RunEnergyRecorder> energy;
                const TrainingOptions options = options_for(assignment, energy);
                common::RunOutcome outcome{assignment.run_id, assignment.attempt, {}};
                outcome.result = train_run(assignment.config,
                                           dataset(assignment.config.dataset),
                                           static_cast<std::uint64_t>(assignment.seed),
                                           options);
                complete(outcome.result, energy);
                communicator_.send(
                    kCoordinatorRank, common::MessageTag::kResult, common::encode(outcome));
            }
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

    // A search run: each finished attempt goes to the coordinator as it ends, so that a
    // search cut off later resumes after it.
    void search(const common::RunAssignment& assignment) {
        std::optional<power::RunEnergyRecorder> energy;
        SearchHooks hooks;
        hooks.options_for = [&](const common::AttemptRecord& /*attempt*/) {
            energy.reset();
            return options_for(assignment, energy);
        };
        hooks.on_attempt = [&](common::AttemptRecord record, common::RunResult result, bool final) {
            if (record.outcome != common::AttemptOutcome::kSkipped) {
                complete(result, energy);
                record.net_j = std::numeric_limits<double>::quiet_NaN();
                record.gross_j = std::numeric_limits<double>::quiet_NaN();
                if (result.energy) {
                    record.net_j = total_joules(result.energy->net_j);
                    record.gross_j = total_joules(result.energy->gross_j);
                }
            }
            const common::SearchAttemptReport report{
                assignment.run_id, assignment.attempt, record, final, std::move(result)};
            communicator_.send(
                kCoordinatorRank, common::MessageTag::kAttempt, common::encode(report));
        };
        std::optional<double> reference;
        if (std::isfinite(assignment.search_reference_j)) {
            reference = assignment.search_reference_j;
        }
        train_search(assignment.config,
                     dataset(assignment.config.dataset),
                     assignment.seed,
                     assignment.search_attempts_done,
                     reference,
                     hooks);
    }

    // What every run and attempt trains with: the job's backend, the node's meter (into
    // `energy`) and a progress message after every epoch.
    TrainingOptions options_for(const common::RunAssignment& assignment,
                                std::optional<power::RunEnergyRecorder>& energy) {
        TrainingOptions options;
        options.backend = context_.backend;
        if (context_.energy_ring != nullptr) {
            energy.emplace(*context_.energy_ring, context_.only_training_rank_on_node);
            options.on_start = [&energy](std::int64_t train_rows) {
                energy->start_run(train_rows);
            };
        }
        options.on_epoch = [this, &energy, &assignment](const EpochReport& report) {
            if (energy) {
                energy->end_epoch();
            }
            after_epoch(assignment, report);
        };
        return options;
    }

    // Adds the provenance and the measured energy to what the trainer returned.
    void complete(common::RunResult& result, std::optional<power::RunEnergyRecorder>& energy) {
        result.host = context_.host;
        result.slurm_job_id = context_.slurm_job_id;
        result.software_json = context_.software_json;
        if (energy) {
            result.energy = energy->finish();
            if (result.energy) {
                result.energy->node_type = context_.node_type;
            }
        }
    }

    static double total_joules(const std::vector<std::vector<float>>& per_domain) {
        double total = 0.0;
        for (const auto& epochs : per_domain) {
            for (const float joules : epochs) {
                total += static_cast<double>(joules);
            }
        }
        return total;
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
            cached_dataset_ =
                std::make_unique<PreparedDataset>(read_dataset(context_.datasets_dir, name));
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
