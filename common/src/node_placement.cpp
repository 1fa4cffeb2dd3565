#include "joulesweep/common/node_placement.hpp"

#include <cstdint>
#include <vector>

#include <sched.h>

#include "joulesweep/common/mpi_call.hpp"

namespace joulesweep::common {
namespace {

// FNV-1a over the mask's CPU numbers: equal masks, equal keys.
std::uint64_t mask_key(const cpu_set_t& mask) {
    constexpr std::uint64_t kOffset = 14695981039346656037ULL;
    constexpr std::uint64_t kPrime = 1099511628211ULL;
    std::uint64_t key = kOffset;
    for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &mask)) {
            key = (key ^ static_cast<std::uint64_t>(cpu)) * kPrime;
        }
    }
    return key;
}

}  // namespace

NodePlacement node_placement(MPI_Comm world, bool computes) {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    NodePlacement placement;
    std::uint64_t key = 0;
    if (sched_getaffinity(0, sizeof(mask), &mask) == 0) {
        placement.usable_cpus = CPU_COUNT(&mask);
        key = mask_key(mask);
    }
    int rank = 0;
    mpi_check(MPI_Comm_rank(world, &rank), "read this rank");
    MPI_Comm node = MPI_COMM_NULL;
    mpi_check(MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node),
              "group the ranks of this node");
    int node_size = 0;
    mpi_check(MPI_Comm_size(node, &node_size), "count the ranks of this node");
    // Non-computing ranks send key 0, which no mask hashes to in practice and is never counted.
    const std::uint64_t sent = computes ? key | 1U : 0;
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(node_size));
    const int gathered = MPI_Allgather(&sent, 1, MPI_UINT64_T, keys.data(), 1, MPI_UINT64_T, node);
    MPI_Comm_free(&node);
    mpi_check(gathered, "exchange CPU masks on this node");
    if (computes) {
        placement.ranks_sharing = 0;
        for (const std::uint64_t other : keys) {
            placement.ranks_sharing += other == sent ? 1 : 0;
        }
    }
    return placement;
}

}  // namespace joulesweep::common
