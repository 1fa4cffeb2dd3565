#pragma once
// The process exit codes, shared by main() and by `run`, whose ranks end the MPI job
// with MPI_Abort and the same code.

#include <exception>

namespace joulesweep::app {

inline constexpr int kExitRuntimeError = 1;   // any other Error or std::exception
inline constexpr int kExitUsageError = 2;     // a bad command line or configuration (ConfigError)
inline constexpr int kExitInternalError = 3;  // a bug (InternalError, a failed JOULESWEEP_CHECK)

// The exit code for the exception that ended a command.
int exit_code_for(const std::exception& error) noexcept;

}  // namespace joulesweep::app
