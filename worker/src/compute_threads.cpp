#include "joulesweep/worker/compute_threads.hpp"

#include <algorithm>

#include <omp.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {

void use_compute_threads(int threads) {
    JOULESWEEP_CHECK(threads >= 1, "a rank computes with at least one thread");
    omp_set_dynamic(0);  // exactly this many, not fewer at the runtime's discretion
    omp_set_num_threads(threads);
}

int compute_threads() noexcept {
    return omp_get_max_threads();
}

int thread_budget(int usable_cpus, int ranks_sharing) noexcept {
    return std::max(1, usable_cpus / std::max(1, ranks_sharing));
}

}  // namespace joulesweep::worker
