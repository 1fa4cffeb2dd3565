#include "joulesweep/worker/component_versions.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace joulesweep::worker {

TEST_CASE("worker_component_versions: reports Eigen 3, oneDNN 2 and FreeIPMI",
          "[worker][version]") {
    const auto components = worker_component_versions();
    REQUIRE(components.size() == 3);
    CHECK(components[0].name == "Eigen");
    CHECK(components[0].version.rfind("3.", 0) == 0);
    CHECK(components[1].name == "oneDNN");
    CHECK(components[1].version.rfind("2.", 0) == 0);
    CHECK(components[2].name == "FreeIPMI");
    CHECK(components[2].version.rfind("1.", 0) == 0);
}

}  // namespace joulesweep::worker
