#pragma once
// A block of memory that every rank of a node can read, owned by the node's first rank
// (its leader): an MPI shared-memory window over MPI_Comm_split_type. The node meter's
// samples live in it, so a node is measured once however many ranks it runs.

#include <cstddef>

#include <mpi.h>

namespace joulesweep::common {

class NodeSharedMemory {
public:
    // Collective over `world`. The node's lowest world rank is its leader and allocates
    // `bytes`; the others map it. `computes`: whether this rank trains, for counting.
    NodeSharedMemory(MPI_Comm world, std::size_t bytes, bool computes);
    // Collective over the node's ranks: every rank of the node must get here.
    ~NodeSharedMemory();
    NodeSharedMemory(const NodeSharedMemory&) = delete;
    NodeSharedMemory& operator=(const NodeSharedMemory&) = delete;
    NodeSharedMemory(NodeSharedMemory&&) = delete;
    NodeSharedMemory& operator=(NodeSharedMemory&&) = delete;

    void* data() const noexcept { return data_; }

    bool leader() const noexcept { return leader_; }

    int training_ranks() const noexcept { return training_ranks_; }  // on this node

    // Waits, asleep, for every rank of the node: the leader fills the memory (and
    // measures the idle baseline) before it.
    void barrier() const;

private:
    MPI_Comm node_ = MPI_COMM_NULL;
    MPI_Win window_ = MPI_WIN_NULL;
    void* data_ = nullptr;
    bool leader_ = false;
    int training_ranks_ = 0;
};

}  // namespace joulesweep::common
