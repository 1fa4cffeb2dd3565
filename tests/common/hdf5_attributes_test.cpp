#include "joulesweep/common/hdf5_attributes.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_handle.hpp"

#include "temporary_directory.hpp"

namespace joulesweep::common {

TEST_CASE("hdf5 attributes: text and integers read back, a missing one is a StorageError",
          "[common][hdf5]") {
    const testing::TemporaryDirectory directory;
    const auto path = (directory.path() / "attributes.h5").string();
    {
        const Hdf5Handle file(
            H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create");
        write_text_attribute(file.get(), "name", "wine_quality_white — ü");
        write_text_attribute(file.get(), "empty", "");
        write_integer_attribute(file.get(), "rows", -4898);
    }
    const Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    CHECK(read_text_attribute(file.get(), "name") == "wine_quality_white — ü");
    CHECK(read_text_attribute(file.get(), "empty").empty());
    CHECK(read_integer_attribute(file.get(), "rows") == -4898);
    CHECK_THROWS_WITH(read_integer_attribute(file.get(), "nope"), Catch::Contains("nope"));
}

}  // namespace joulesweep::common
