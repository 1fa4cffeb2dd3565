#include "joulesweep/common/node_placement.hpp"

#include <cstring>
#include <vector>

#include <catch2/catch.hpp>
#include <mpi.h>
#include <sched.h>

namespace joulesweep::common {

TEST_CASE("node_placement: counts the computing ranks with this rank's CPUs, not rank 0",
          "[common][mpi]") {
    int rank = 0;
    int size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const NodePlacement placement = node_placement(MPI_COMM_WORLD, rank != 0);

    // The expected count, from every rank's whole mask (the tests run on one node).
    cpu_set_t mask;
    CPU_ZERO(&mask);
    REQUIRE(sched_getaffinity(0, sizeof(mask), &mask) == 0);
    std::vector<cpu_set_t> masks(static_cast<std::size_t>(size));
    MPI_Allgather(
        &mask, sizeof(mask), MPI_BYTE, masks.data(), sizeof(mask), MPI_BYTE, MPI_COMM_WORLD);
    int expected = 0;
    for (int other = 1; other < size; ++other) {
        const auto& theirs = masks[static_cast<std::size_t>(other)];
        expected += std::memcmp(&theirs, &mask, sizeof(mask)) == 0 ? 1 : 0;
    }
    CHECK(placement.usable_cpus == CPU_COUNT(&mask));
    CHECK(placement.ranks_sharing == (rank == 0 ? 1 : expected));
    CHECK(placement.ranks_sharing >= 1);
}

}  // namespace joulesweep::common
