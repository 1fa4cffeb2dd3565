#include "joulesweep/common/sleeping_barrier.hpp"

#include <algorithm>
#include <thread>

#include "joulesweep/common/mpi_call.hpp"

namespace joulesweep::common {

void sleeping_barrier(MPI_Comm comm, std::string_view what) {
    MPI_Request request = MPI_REQUEST_NULL;
    mpi_check(MPI_Ibarrier(comm, &request), what);
    std::chrono::microseconds pause{50};
    while (true) {
        int done = 0;
        mpi_check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
        if (done != 0) {
            return;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, kLongestBarrierPause);
    }
}

}  // namespace joulesweep::common
