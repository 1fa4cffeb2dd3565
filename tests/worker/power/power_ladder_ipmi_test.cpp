#include <catch2/catch.hpp>

#include "joulesweep/worker/power/power_ladder.hpp"

#include "fake_sysfs.hpp"
#include "ipmi_simulator.hpp"
#include "power_fixtures.hpp"

namespace joulesweep::worker::power {
namespace {

// A node without RAPL or perf (an empty sysfs), with a readable /proc/stat.
PowerOptions no_counters(const testing::FakeSysfs& files, const IpmiTarget& ipmi) {
    return testing::fake_node_options(files, ipmi);
}

const PowerSourceCandidate& candidate(const PowerProbe& probe, PowerSourceKind kind) {
    for (const PowerSourceCandidate& each : probe.candidates) {
        if (each.kind == kind) {
            return each;
        }
    }
    FAIL("no candidate " << to_text(kind));
    throw;
}

}  // namespace

TEST_CASE("probe_power_sources: a BMC with DCMI is used when no RAPL counter can be read",
          "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;
    const testing::FakeSysfs files;
    const PowerProbe probe = probe_power_sources(no_counters(files, simulator.target()));
    REQUIRE(probe.chosen);
    CHECK(probe.chosen->kind() == PowerSourceKind::kIpmiDcmi);
    CHECK(candidate(probe, PowerSourceKind::kIpmiSensor).available);
    CHECK_FALSE(candidate(probe, PowerSourceKind::kRaplSysfs).available);
}

TEST_CASE("probe_power_sources: without DCMI the power sensor is used, and DCMI's failure said",
          "[worker][ipmi]") {
    const testing::IpmiSimulator simulator(testing::IpmiSimulator::Options{false, 250, 0});
    const testing::FakeSysfs files;
    const PowerProbe probe = probe_power_sources(no_counters(files, simulator.target()));
    REQUIRE(probe.chosen);
    CHECK(probe.chosen->kind() == PowerSourceKind::kIpmiSensor);
    CHECK_THAT(candidate(probe, PowerSourceKind::kIpmiDcmi).detail,
               Catch::Contains("DCMI Get Power Reading"));
}

TEST_CASE("probe_power_sources: no BMC device and no host: both IPMI rungs say why",
          "[worker][ipmi]") {
    const testing::FakeSysfs files;
    IpmiTarget none;
    none.device = files.sys().parent_path() / "ipmi0";
    const PowerProbe probe = probe_power_sources(no_counters(files, none));
    REQUIRE(probe.chosen);
    CHECK(probe.chosen->kind() == PowerSourceKind::kEstimate);
    for (const PowerSourceKind kind : {PowerSourceKind::kIpmiDcmi, PowerSourceKind::kIpmiSensor}) {
        CHECK_THAT(candidate(probe, kind).detail,
                   Catch::Contains("no BMC to ask") && Catch::Contains("--ipmi-host"));
    }
}

}  // namespace joulesweep::worker::power
