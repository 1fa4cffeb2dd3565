#include "joulesweep/common/node_shared_memory.hpp"

#include <exception>

#include "joulesweep/common/mpi_call.hpp"
#include "joulesweep/common/sleeping_barrier.hpp"

namespace joulesweep::common {

NodeSharedMemory::NodeSharedMemory(MPI_Comm world, std::size_t bytes, bool computes) {
    int rank = 0;
    mpi_check(MPI_Comm_rank(world, &rank), "read this rank");
    mpi_check(MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node_),
              "group the ranks of this node");
    int node_rank = 0;
    mpi_check(MPI_Comm_rank(node_, &node_rank), "read this rank's place on its node");
    leader_ = node_rank == 0;
    const int training = computes ? 1 : 0;
    mpi_check(MPI_Allreduce(&training, &training_ranks_, 1, MPI_INT, MPI_SUM, node_),
              "count the training ranks of this node");
    void* own = nullptr;
    mpi_check(
        MPI_Win_allocate_shared(
            static_cast<MPI_Aint>(leader_ ? bytes : 0), 1, MPI_INFO_NULL, node_, &own, &window_),
        "allocate the node's shared memory");
    MPI_Aint size = 0;
    int unit = 0;
    mpi_check(MPI_Win_shared_query(window_, 0, &size, &unit, &data_),
              "map the node leader's shared memory");
}

NodeSharedMemory::~NodeSharedMemory() {
    // Errors cannot be reported from here; the job is ending either way. MPI_Win_free
    // synchronises the node's ranks in a spinning barrier: meet in a sleeping one first.
    try {
        sleeping_barrier(node_, "wait for the ranks of this node");
    } catch (const std::exception&) {
        // A peer is gone: MPI_Win_free below fails or returns; either way we end.
    }
    MPI_Win_free(&window_);
    MPI_Comm_free(&node_);
}

void NodeSharedMemory::barrier() const {
    sleeping_barrier(node_, "wait for the ranks of this node");
}

}  // namespace joulesweep::common
