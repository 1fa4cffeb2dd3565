#include "joulesweep/common/sleeping_barrier.hpp"

#include <chrono>
#include <ctime>
#include <thread>

#include <catch2/catch.hpp>
#include <mpi.h>

namespace joulesweep::common {
namespace {

double thread_cpu_s() {
    timespec used{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
    return static_cast<double>(used.tv_sec) + (static_cast<double>(used.tv_nsec) * 1e-9);
}

}  // namespace

TEST_CASE("sleeping_barrier: ranks that wait for a late one sleep instead of spinning",
          "[common][mpi]") {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    constexpr double kLateS = 1.0;
    if (rank == 0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(kLateS));
    }
    const double cpu_before = thread_cpu_s();
    const auto before = std::chrono::steady_clock::now();
    sleeping_barrier(MPI_COMM_WORLD, "wait for the late rank");
    const double waited_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    const double cpu_s = thread_cpu_s() - cpu_before;
    if (rank != 0) {
        CHECK(waited_s > 0.5 * kLateS);  // it did wait for rank 0
        // MPI_Barrier spins through the whole wait (about 1 s of CPU); asleep, a few ms.
        CHECK(cpu_s < 0.1 * waited_s);
    }
    // Leaves at most one pause after the last rank arrived.
    CHECK(waited_s < kLateS + 0.5);
}

}  // namespace joulesweep::common
