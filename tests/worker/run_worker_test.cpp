#include "joulesweep/worker/run_worker.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <mpi.h>

#include "joulesweep/common/communicator.hpp"
#include "joulesweep/common/protocol.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

#include "sample_datasets.hpp"
#include "temporary_directory.hpp"

namespace joulesweep::worker {
namespace {

using common::MessageTag;

common::Envelope next_message(const common::Communicator& communicator, int source) {
    while (true) {
        if (auto message = communicator.poll(source)) {
            return *message;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
}

common::RunAssignment assignment(std::int64_t run_id, const std::string& dataset, int epochs) {
    common::RunAssignment message;
    message.run_id = run_id;
    message.attempt = 1;
    message.seed = 5;
    message.config.dataset = dataset;
    message.config.depth = 2;
    message.config.size = 64;
    message.config.batch_size = 64;
    message.config.learning_rate = 0.01;
    message.config.epochs = epochs;
    return message;
}

// Rank 0 plays the coordinator for one worker: a run that trains, one whose dataset
// file is missing, one that can never be built, one cancelled mid-run, then stop.
void drive_worker(const common::Communicator& communicator, int rank) {
    CHECK(next_message(communicator, rank).tag == MessageTag::kReady);
    communicator.send(rank, MessageTag::kAssign, common::encode(assignment(rank, "banana", 2)));
    for (int epoch = 1; epoch <= 2; ++epoch) {
        const auto message = next_message(communicator, rank);
        REQUIRE(message.tag == MessageTag::kProgress);
        CHECK(common::decode_progress(message.payload).epoch == epoch);
    }
    auto message = next_message(communicator, rank);
    REQUIRE(message.tag == MessageTag::kResult);
    const common::RunOutcome outcome = common::decode_outcome(message.payload);
    CHECK(outcome.run_id == rank);
    CHECK(outcome.result.epoch_wall_s.size() == 2);
    CHECK(outcome.result.host == "test-host");
    CHECK(outcome.result.slurm_job_id == std::optional<std::string>("77"));
    CHECK(next_message(communicator, rank).tag == MessageTag::kReady);

    communicator.send(rank, MessageTag::kAssign, common::encode(assignment(100, "529_pollen", 2)));
    message = next_message(communicator, rank);
    REQUIRE(message.tag == MessageTag::kFailure);
    const common::RunFailure missing = common::decode_failure(message.payload);
    CHECK(missing.run_id == 100);
    CHECK_FALSE(missing.permanent);
    CHECK(missing.message.find("529_pollen.h5") != std::string::npos);
    CHECK(next_message(communicator, rank).tag == MessageTag::kReady);

    common::RunAssignment impossible = assignment(101, "banana", 2);
    impossible.config.depth = 4;
    impossible.config.size = 3;  // no network of 4 layers has 3 parameters
    communicator.send(rank, MessageTag::kAssign, common::encode(impossible));
    message = next_message(communicator, rank);
    REQUIRE(message.tag == MessageTag::kFailure);
    CHECK(common::decode_failure(message.payload).permanent);
    CHECK(next_message(communicator, rank).tag == MessageTag::kReady);

    communicator.send(rank, MessageTag::kAssign, common::encode(assignment(102, "banana", 100000)));
    CHECK(next_message(communicator, rank).tag == MessageTag::kProgress);
    communicator.send(rank, MessageTag::kCancel, common::encode(common::RunReference{102, 1}));
    do {
        message = next_message(communicator, rank);
    } while (message.tag == MessageTag::kProgress);
    REQUIRE(message.tag == MessageTag::kCancelled);
    CHECK(common::decode_reference(message.payload).run_id == 102);
    CHECK(next_message(communicator, rank).tag == MessageTag::kReady);

    communicator.send(rank, MessageTag::kStop);
    message = next_message(communicator, rank);
    REQUIRE(message.tag == MessageTag::kStopped);
    const common::WorkerTotals totals = common::decode_totals(message.payload);
    CHECK(totals.runs == 4);
    CHECK(totals.training_s > 0);
}

}  // namespace

TEST_CASE("run_worker: trains, reports failures by kind, abandons a cancelled run, stops",
          "[worker][mpi]") {
    const common::Communicator communicator(MPI_COMM_WORLD);
    if (communicator.rank() == 0) {
        for (int rank = 1; rank < communicator.size(); ++rank) {
            drive_worker(communicator, rank);
        }
    } else {
        const testing::TemporaryDirectory directory;
        write_dataset_file(directory.path() / "banana.h5", testing::learnable_banana(), "test");
        const WorkerContext context{directory.path(), "test-host", std::string("77"), "{}"};
        const common::WorkerTotals totals = run_worker(communicator, context);
        CHECK(totals.runs == 4);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

TEST_CASE("run_worker: a run handed over while the node measures its idle power waits for it",
          "[worker][mpi]") {
    const common::Communicator communicator(MPI_COMM_WORLD);
    if (communicator.rank() == 0) {
        // Each phase for every worker at once: all of it well inside the 3 s each worker
        // keeps its node's idle window open.
        for (int rank = 1; rank < communicator.size(); ++rank) {
            CHECK(next_message(communicator, rank).tag == MessageTag::kReady);
            // Held, then cancelled: abandoned without training, and the worker is free.
            communicator.send(
                rank, MessageTag::kAssign, common::encode(assignment(7, "banana", 2)));
            communicator.send(
                rank, MessageTag::kCancel, common::encode(common::RunReference{7, 1}));
        }
        for (int rank = 1; rank < communicator.size(); ++rank) {
            const auto message = next_message(communicator, rank);
            REQUIRE(message.tag == MessageTag::kCancelled);
            CHECK(common::decode_reference(message.payload).run_id == 7);
            CHECK(next_message(communicator, rank).tag == MessageTag::kReady);
            // Held until the window closes (the worker's own thread closes it), then trained.
            communicator.send(
                rank, MessageTag::kAssign, common::encode(assignment(8, "banana", 2)));
        }
        for (int rank = 1; rank < communicator.size(); ++rank) {
            auto message = next_message(communicator, rank);
            while (message.tag == MessageTag::kProgress) {
                message = next_message(communicator, rank);
            }
            REQUIRE(message.tag == MessageTag::kResult);
            CHECK(common::decode_outcome(message.payload).run_id == 8);
            CHECK(next_message(communicator, rank).tag == MessageTag::kReady);
            communicator.send(rank, MessageTag::kStop);
            CHECK(next_message(communicator, rank).tag == MessageTag::kStopped);
        }
    } else {
        const testing::TemporaryDirectory directory;
        write_dataset_file(directory.path() / "banana.h5", testing::learnable_banana(), "test");
        power::LocalRingMemory memory;
        power::SampleRing meter_side = power::SampleRing::create(memory.data());
        power::MeterDescription description;
        description.domains = {"package-0"};
        description.idle_w = {40.0};
        meter_side.describe(description);
        meter_side.open_idle_window();
        const power::SampleRing ring = power::SampleRing::attach(memory.data());
        WorkerContext context{directory.path(), "test-host", std::nullopt, "{}"};
        context.energy_ring = &ring;
        // The node's meter: closes the window once the first run was cancelled and the
        // second is held.
        std::thread meter([&meter_side] {
            std::this_thread::sleep_for(std::chrono::seconds(3));
            CHECK(meter_side.node_idle());  // the held runs never began
            meter_side.close_idle_window({42.0});
        });
        const common::WorkerTotals totals = run_worker(communicator, context);
        meter.join();
        CHECK(totals.runs == 1);
        CHECK(meter_side.node_idle());  // the trained run ended
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace joulesweep::worker
