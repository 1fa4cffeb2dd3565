#pragma once
// Where a rank sits on its node, for sizing its compute threads: the CPUs it may run on
// (its affinity mask) and how many computing ranks of the job share exactly those CPUs.
// Ranks bound to their own cores share with no one; unbound ranks share the whole node.

#include <mpi.h>

namespace joulesweep::common {

struct NodePlacement {
    int usable_cpus = 1;    // CPUs in this rank's affinity mask
    int ranks_sharing = 1;  // computing ranks on this node with the same mask, this one included
};

// Collective over `world`: every rank calls it. `computes` is false for ranks that do not
// train (the coordinator); they are not counted, and get ranks_sharing 1.
NodePlacement node_placement(MPI_Comm world, bool computes);

}  // namespace joulesweep::common
