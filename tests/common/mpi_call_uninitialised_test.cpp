// mpi_call before MPI_Init: runs in the unit-test executable, where MPI is never started.
#include <string>

#include <catch2/catch.hpp>
#include <mpi.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/mpi_call.hpp"

namespace joulesweep::common {

TEST_CASE("mpi_check: before MPI_Init an error still throws, naming the code", "[common][mpi]") {
    CHECK_THROWS_WITH(mpi_check(MPI_ERR_TAG, "send assignment"),
                      "send assignment: MPI error code " + std::to_string(MPI_ERR_TAG));
}

TEST_CASE("mpi_library_version: names the MPI implementation without MPI_Init", "[common][mpi]") {
    const std::string version = mpi_library_version();
    CHECK(version.find("MPI") != std::string::npos);
    CHECK(version.find('\n') == std::string::npos);
}

}  // namespace joulesweep::common
