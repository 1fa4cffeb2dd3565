#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/mpi_call.hpp"
#include "joulesweep/common/version.hpp"

namespace joulesweep::common {

std::vector<ComponentVersion> common_component_versions() {
    return {
        {"MPI", mpi_library_version()},
        {"HDF5", hdf5_library_version()},
        {"fmt",
         fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
        {"nlohmann_json",
         fmt::format("{}.{}.{}",
                     NLOHMANN_JSON_VERSION_MAJOR,
                     NLOHMANN_JSON_VERSION_MINOR,
                     NLOHMANN_JSON_VERSION_PATCH)},
    };
}

}  // namespace joulesweep::common
