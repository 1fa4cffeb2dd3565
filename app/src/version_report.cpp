#include "joulesweep/app/version_report.hpp"

#include <string>
#include <vector>

#include <boost/version.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "joulesweep/app/database_access.hpp"
#include "joulesweep/common/version.hpp"
#include "joulesweep/coordinator/db/database_status.hpp"
#include "joulesweep/worker/component_versions.hpp"

namespace joulesweep::app {

namespace {

std::vector<common::ComponentVersion> all_components() {
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
    return components;
}

}  // namespace

std::string version_report() {
    std::string report = software_name() + "\n";
    for (const auto& component : all_components()) {
        report += fmt::format("  {:<22} {}\n", component.name, component.version);
    }
    return report;
}

std::string software_json() {
    nlohmann::json json{
        {"joulesweep", fmt::format("{} (git {})", common::version(), common::git_revision())}};
    for (const auto& component : all_components()) {
        json[component.name] = component.version;
    }
    return json.dump();
}

}  // namespace joulesweep::app
