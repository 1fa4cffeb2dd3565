#pragma once

// SIGTERM, SIGINT and SIGUSR1 as a request to stop: the handlers only count, and the
// coordinator's and workers' loops read the count. One signal asks for a graceful drain,
// a second one for an immediate stop. Slurm sends SIGTERM at the time limit (and
// --signal=USR1@T before it, to every rank); srun forwards SIGTERM and SIGINT to its
// tasks, mpirun forwards SIGUSR1.

namespace joulesweep::common {

// Installs the counting handler for SIGTERM, SIGINT and SIGUSR1 (replacing the default
// action, which would kill the rank and with it the whole MPI job).
void install_shutdown_handlers();

// How many of those signals this process has received since the handlers went in.
int shutdown_signal_count() noexcept;

// The most recent one (SIGTERM, ...), 0 when none came.
int last_shutdown_signal() noexcept;

}  // namespace joulesweep::common
