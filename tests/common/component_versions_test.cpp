#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/version.hpp"

namespace joulesweep::common {

TEST_CASE("version: names the release and a git revision", "[common][version]") {
    CHECK(version() == "0.1.0");
    CHECK_FALSE(git_revision().empty());
}

TEST_CASE("common_component_versions: reports MPI and HDF5 as the libraries see themselves",
          "[common][version]") {
    const auto components = common_component_versions();
    REQUIRE(components.size() >= 2);
    CHECK(components[0].name == "MPI");
    CHECK(components[0].version.find("MPI") != std::string::npos);
    CHECK(components[1].name == "HDF5");
    CHECK(components[1].version.rfind("1.", 0) == 0);
}

}  // namespace joulesweep::common
