#pragma once
// A barrier that sleeps while it waits. Open MPI's MPI_Barrier spins a core until the
// last rank arrives; a rank that waits through a node's idle-baseline measurement (or for
// a slow peer at the end of a job) must not, or it measures and wastes its own power.

#include <chrono>
#include <string_view>

#include <mpi.h>

namespace joulesweep::common {

// The longest sleep between two tests of the barrier: how late a rank may leave it.
constexpr std::chrono::milliseconds kLongestBarrierPause{5};

// Collective over `comm`: MPI_Ibarrier, then MPI_Test with sleeps growing from 50 us to
// kLongestBarrierPause. Throws MpiError naming `what`.
void sleeping_barrier(MPI_Comm comm, std::string_view what);

}  // namespace joulesweep::common
