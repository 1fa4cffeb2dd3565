#include "joulesweep/common/mpi_call.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <mpi.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

TEST_CASE("mpi_check: success passes, an error code throws MpiError with MPI's text",
          "[common][mpi]") {
    CHECK_NOTHROW(mpi_check(MPI_SUCCESS, "send assignment"));
    try {
        mpi_check(MPI_ERR_TAG, "send assignment");
        FAIL("an error code did not throw");
    } catch (const MpiError& error) {
        const std::string message = error.what();
        CHECK(message.rfind("send assignment: ", 0) == 0);
        CHECK(message.find("MPI_ERR_TAG") != std::string::npos);
    }
}

}  // namespace joulesweep::common
