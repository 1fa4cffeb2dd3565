#pragma once
// The one checked-call point for the MPI C API: every MPI call goes through
// mpi_check, which turns a non-success code into an MpiError carrying MPI's own text.
// Communicators must use MPI_ERRORS_RETURN for the codes to reach us at all.

#include <string>
#include <string_view>

namespace joulesweep::common {

// Throws MpiError("<what>: <MPI error string>") unless rc is MPI_SUCCESS.
void mpi_check(int rc, std::string_view what);

// The MPI library's own version line (first line of MPI_Get_library_version), e.g.
// "Open MPI v4.1.4, package: Debian OpenMPI, ..."; callable before MPI_Init.
std::string mpi_library_version();

}  // namespace joulesweep::common
