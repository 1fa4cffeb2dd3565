#include "joulesweep/common/node_shared_memory.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>
#include <mpi.h>

#include "joulesweep/worker/power/cpu_time_estimate_source.hpp"
#include "joulesweep/worker/power/node_meter.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::common {

TEST_CASE("NodeSharedMemory: the leader's node meter is read by the node's other processes",
          "[common][mpi]") {
    int rank = 0;
    int size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const NodeSharedMemory memory(
        MPI_COMM_WORLD, worker::power::SampleRing::bytes_needed(), rank != 0);
    // The tests run on one node: rank 0 leads it, and the others train.
    CHECK(memory.leader() == (rank == 0));
    CHECK(memory.training_ranks() == size - 1);
    REQUIRE(memory.data() != nullptr);

    std::unique_ptr<worker::power::NodeMeter> meter;
    if (memory.leader()) {
        worker::power::MeterSettings settings;
        settings.period_s = 0.01;
        settings.idle_baseline_s = 0.0;
        meter = std::make_unique<worker::power::NodeMeter>(
            std::make_unique<worker::power::CpuTimeEstimateSource>("/proc", 10.0),
            worker::power::SampleRing::create(memory.data()),
            settings);
    }
    memory.barrier();
    if (!memory.leader()) {
        const auto ring = worker::power::SampleRing::attach(memory.data());
        const auto description = ring.description();
        REQUIRE(description);
        CHECK(description->source == worker::power::PowerSourceKind::kEstimate);
        CHECK(description->domains == std::vector<std::string>{"cpu-time"});
        // Samples keep arriving from the leader's thread, in another process.
        const std::optional<std::int64_t> first = ring.newest_time_ns();
        REQUIRE(first);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (ring.newest_time_ns() == first && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        CHECK(ring.newest_time_ns() > first);
    }
    memory.barrier();  // the meter stops only once every reader is done
}

}  // namespace joulesweep::common
