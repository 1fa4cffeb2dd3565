#include "joulesweep/worker/component_versions.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>
#include <freeipmi/freeipmi.h>
#include <ipmi_monitoring.h>
#include <oneapi/dnnl/dnnl.hpp>

namespace joulesweep::worker {

std::vector<common::ComponentVersion> worker_component_versions() {
    const dnnl::version_t* onednn = dnnl::version();
    const std::string_view onednn_hash(onednn->hash);  // "N/A" in Debian's build
    const std::string onednn_version =
        onednn_hash == "N/A"
            ? fmt::format("{}.{}.{}", onednn->major, onednn->minor, onednn->patch)
            : fmt::format(
                  "{}.{}.{} ({})", onednn->major, onednn->minor, onednn->patch, onednn_hash);
    return {
        {"Eigen",
         fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
        {"oneDNN", onednn_version},
        {"FreeIPMI",
         fmt::format("{}.{}.{} (libipmimonitoring {}.{}.{})",
                     FREEIPMI_PACKAGE_VERSION_MAJOR,
                     FREEIPMI_PACKAGE_VERSION_MINOR,
                     FREEIPMI_PACKAGE_VERSION_PATCH,
                     LIBIPMIMONITORING_VERSION_MAJOR,
                     LIBIPMIMONITORING_VERSION_MINOR,
                     LIBIPMIMONITORING_VERSION_PATCH)},
    };
}

}  // namespace joulesweep::worker
