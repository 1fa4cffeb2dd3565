#include "joulesweep/app/version_report.hpp"

#include <string>
#include <vector>

#include <boost/version.hpp>
#include <fmt/format.h>

#include "joulesweep/app/database_access.hpp"
#include "joulesweep/common/version.hpp"
#include "joulesweep/coordinator/database_status.hpp"
#include "joulesweep/worker/component_versions.hpp"

namespace joulesweep::app {

std::string version_report() {
    std::vector<common::ComponentVersion> components = common::common_component_versions();
    for (auto& component : worker::worker_component_versions()) {
        components.push_back(std::move(component));
    }
    for (auto& component : coordinator::coordinator_component_versions()) {
        components.push_back(std::move(component));
    }
    constexpr int kBoostMajor = 100000;
    constexpr int kBoostMinor = 100;
    components.push_back({"Boost.Program_options",
                          fmt::format("{}.{}.{}",
                                      BOOST_VERSION / kBoostMajor,
                                      BOOST_VERSION / kBoostMinor % 1000,
                                      BOOST_VERSION % kBoostMinor)});
    std::string report = software_name() + "\n";
    for (const auto& component : components) {
        report += fmt::format("  {:<22} {}\n", component.name, component.version);
    }
    return report;
}

}  // namespace joulesweep::app
