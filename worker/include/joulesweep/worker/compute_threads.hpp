#pragma once

// The worker owns how many threads its kernels use: oneDNN and OpenMP read OpenMP's
// setting, Eigen is single-threaded. Set once per rank before training, never inherited
// from whatever OMP_NUM_THREADS the job's environment carries.

namespace joulesweep::worker {

// Sets the OpenMP thread count every kernel uses; `threads` >= 1.
void use_compute_threads(int threads);

// The thread count kernels use now (OpenMP's maximum).
int compute_threads() noexcept;

// How many threads a rank may use without oversubscribing: the CPUs it may run on,
// shared evenly among the `ranks_sharing` ranks that have the same CPUs; at least 1.
int thread_budget(int usable_cpus, int ranks_sharing) noexcept;

}  // namespace joulesweep::worker
