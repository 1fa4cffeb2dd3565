#include "joulesweep/worker/power/powercap_zones.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fake_sysfs.hpp"

namespace joulesweep::worker::power {
namespace {

std::vector<std::string> domains(const PowercapSelection& selection) {
    std::vector<std::string> names;
    for (const PowercapZone& zone : selection.zones) {
        names.push_back(zone.domain);
    }
    return names;
}

bool skipped_mentions(const PowercapSelection& selection, const std::string& text) {
    return std::any_of(selection.skipped.begin(), selection.skipped.end(), [&](const auto& line) {
        return line.find(text) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("powercap zones: two sockets with DRAM count packages and DRAM, never core",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 240422366267ULL);
    sysfs.add_zone("intel-rapl:0:0", "dram", 1000);
    sysfs.add_zone("intel-rapl:0:1", "core", 1000);
    sysfs.add_zone("intel-rapl:1", "package-1", 5000);
    sysfs.add_zone("intel-rapl:1:0", "dram", 1000);
    const PowercapSelection selection = select_powercap_zones(sysfs.sys());
    CHECK(domains(selection) ==
          std::vector<std::string>{"dram-0", "dram-1", "package-0", "package-1"});
    CHECK(skipped_mentions(selection, "intel-rapl:0:1 (core): part of its package"));
    CHECK(selection.zones[2].max_energy_range_uj == 262143328850ULL);
}

TEST_CASE("powercap zones: a client part counts its package once, not psys, core, uncore or MMIO",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 1);
    sysfs.add_zone("intel-rapl:0:0", "core", 1);
    sysfs.add_zone("intel-rapl:0:1", "uncore", 1);
    sysfs.add_zone("intel-rapl:1", "psys", 1);
    sysfs.add_zone("intel-rapl-mmio:0", "package-0", 1);
    const PowercapSelection selection = select_powercap_zones(sysfs.sys());
    CHECK(domains(selection) == std::vector<std::string>{"package-0"});
    CHECK(selection.zones[0].zone == "intel-rapl:0");
    CHECK(skipped_mentions(selection, "intel-rapl:1 (psys): the platform total"));
    CHECK(skipped_mentions(selection, "intel-rapl-mmio:0 (package-0): the MMIO copy"));
}

TEST_CASE("powercap zones: psys alone is the platform total, AMD's package without its core",
          "[worker][power]") {
    testing::FakeSysfs platform_only;
    platform_only.add_zone("intel-rapl:0", "psys", 1);
    CHECK(domains(select_powercap_zones(platform_only.sys())) == std::vector<std::string>{"psys"});

    testing::FakeSysfs amd;
    amd.add_zone("intel-rapl:0", "package-0", 1);
    amd.add_zone("intel-rapl:0:0", "core", 1);
    CHECK(domains(select_powercap_zones(amd.sys())) == std::vector<std::string>{"package-0"});
}

TEST_CASE("powercap zones: zone numbers do not name packages, names do", "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:a", "package-10", 1);
    sysfs.add_zone("intel-rapl:a:0", "dram", 1);
    const PowercapSelection selection = select_powercap_zones(sysfs.sys());
    CHECK(domains(selection) == std::vector<std::string>{"dram-10", "package-10"});
    CHECK(selection.zones[1].package_id == 10);
}

TEST_CASE("powercap zones: subzones nested in their parent are not counted again",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    const auto package = sysfs.add_zone("intel-rapl:0", "package-0", 1);
    sysfs.add_zone("intel-rapl:0:0", "dram", 1);
    // As in the real class directory: the subzone also appears inside its parent.
    std::filesystem::create_directory_symlink(package.parent_path() / "intel-rapl:0:0",
                                              package / "intel-rapl:0:0");
    CHECK(domains(select_powercap_zones(sysfs.sys())) ==
          std::vector<std::string>{"dram-0", "package-0"});
}

TEST_CASE("powercap zones: no powercap class is an empty selection with the reason",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    const PowercapSelection selection = select_powercap_zones(sysfs.sys());
    CHECK(selection.zones.empty());
    REQUIRE(selection.skipped.size() == 1);
    CHECK_THAT(selection.skipped[0], Catch::Contains("class/powercap does not exist"));
}

TEST_CASE("powercap zones: a missing max_energy_range_uj is kept as unknown", "[worker][power]") {
    testing::FakeSysfs sysfs;
    sysfs.add_zone("intel-rapl:0", "package-0", 1, std::nullopt);
    const PowercapSelection selection = select_powercap_zones(sysfs.sys());
    REQUIRE(selection.zones.size() == 1);
    CHECK_FALSE(selection.zones[0].max_energy_range_uj.has_value());
}

}  // namespace joulesweep::worker::power
