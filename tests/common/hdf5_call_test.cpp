#include "joulesweep/common/hdf5_call.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

TEST_CASE("hdf5_check: passes valid ids through", "[common][hdf5]") {
    const auto space = hdf5_check(H5Screate(H5S_SCALAR), "create a scalar dataspace");
    CHECK(space >= 0);
    CHECK(hdf5_check(H5Sclose(space), "close the dataspace") >= 0);
}

TEST_CASE("hdf5_check: a failed call throws StorageError with HDF5's own reason",
          "[common][hdf5]") {
    try {
        hdf5_check(H5Fopen("/nonexistent/shard.h5", H5F_ACC_RDONLY, H5P_DEFAULT),
                   "open shard /nonexistent/shard.h5");
        FAIL("opening a missing file did not throw");
    } catch (const StorageError& error) {
        const std::string message = error.what();
        CHECK(message.rfind("open shard /nonexistent/shard.h5: ", 0) == 0);
        CHECK(message.size() > std::string("open shard /nonexistent/shard.h5: ").size());
        CHECK(message.find("unknown HDF5 error") == std::string::npos);
    }
}

TEST_CASE("hdf5_library_version: reports the linked 1.10 series", "[common][hdf5]") {
    CHECK(hdf5_library_version().rfind("1.10.", 0) == 0);
}

}  // namespace joulesweep::common
