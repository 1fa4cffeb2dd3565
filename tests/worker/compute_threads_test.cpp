#include "joulesweep/worker/compute_threads.hpp"

#include <catch2/catch.hpp>

namespace joulesweep::worker {

// That the worker's count also wins over the OMP_NUM_THREADS a job starts with is checked
// end to end by t0302 (joulesweep train) and t0303 (joulesweep run).
TEST_CASE("use_compute_threads: sets the count every kernel uses", "[worker][threads]") {
    use_compute_threads(1);
    CHECK(compute_threads() == 1);
    use_compute_threads(3);
    CHECK(compute_threads() == 3);
    use_compute_threads(1);
    CHECK(compute_threads() == 1);
}

TEST_CASE("thread_budget: the CPUs shared evenly, never below one", "[worker][threads]") {
    CHECK(thread_budget(2, 2) == 1);  // 2 unbound ranks on 2 cores
    CHECK(thread_budget(8, 2) == 4);
    CHECK(thread_budget(8, 3) == 2);  // rounded down: never oversubscribed
    CHECK(thread_budget(4, 1) == 4);  // a rank bound to 4 CPUs of its own
    CHECK(thread_budget(2, 4) == 1);  // more ranks than CPUs: each still computes
    CHECK(thread_budget(0, 0) == 1);
}

}  // namespace joulesweep::worker
