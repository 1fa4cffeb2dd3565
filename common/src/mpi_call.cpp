#include "joulesweep/common/mpi_call.hpp"

#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <mpi.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

void mpi_check(int rc, std::string_view what) {
    if (rc == MPI_SUCCESS) {
        return;
    }
    // MPI_Error_string itself aborts the process before MPI_Init or after MPI_Finalize.
    int initialized = 0;
    int finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    std::array<char, MPI_MAX_ERROR_STRING> text{};
    int length = 0;
    if (initialized == 0 || finalized != 0 ||
        MPI_Error_string(rc, text.data(), &length) != MPI_SUCCESS) {
        throw MpiError(fmt::format("{}: MPI error code {}", what, rc));
    }
    throw MpiError(fmt::format(
        "{}: {}", what, std::string_view(text.data(), static_cast<std::size_t>(length))));
}

std::string mpi_library_version() {
    std::array<char, MPI_MAX_LIBRARY_VERSION_STRING> text{};
    int length = 0;
    mpi_check(MPI_Get_library_version(text.data(), &length), "read the MPI library version");
    std::string version(text.data(), static_cast<std::size_t>(length));
    const auto line_end = version.find_first_of(",\n");
    return version.substr(0, line_end);
}

}  // namespace joulesweep::common
