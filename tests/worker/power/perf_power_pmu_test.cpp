#include "joulesweep/worker/power/perf_power_pmu.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "fake_sysfs.hpp"

namespace joulesweep::worker::power {

TEST_CASE("perf power PMU: type, CPUs and energy events with their scale", "[worker][power]") {
    testing::FakeSysfs sysfs;
    const std::string pmu = "bus/event_source/devices/power/";
    sysfs.write(pmu + "type", "23\n");
    sysfs.write(pmu + "cpumask", "0,28\n");
    sysfs.write(pmu + "events/energy-pkg", "event=0x02\n");
    sysfs.write(pmu + "events/energy-pkg.scale", "2.3283064365386962890625e-10\n");
    sysfs.write(pmu + "events/energy-pkg.unit", "Joules\n");
    sysfs.write(pmu + "events/energy-ram", "event=0x03\n");
    sysfs.write(pmu + "events/energy-ram.scale", "2.3283064365386962890625e-10\n");
    const PerfPowerPmu parsed = read_perf_power_pmu(sysfs.sys());
    CHECK(parsed.type == 23U);
    CHECK(parsed.cpus == std::vector<int>{0, 28});
    REQUIRE(parsed.events.size() == 2);
    CHECK(parsed.events[0].name == "energy-pkg");
    CHECK(parsed.events[0].config == 2U);
    CHECK(parsed.events[0].scale_j == std::ldexp(1.0, -32));
    CHECK(parsed.events[1].config == 3U);
}

TEST_CASE("perf power PMU: a missing PMU or a malformed event is a clear error",
          "[worker][power]") {
    testing::FakeSysfs sysfs;
    CHECK_THROWS_WITH(read_perf_power_pmu(sysfs.sys()), Catch::Contains("no perf power PMU"));
    const std::string pmu = "bus/event_source/devices/power/";
    sysfs.write(pmu + "type", "23\n");
    sysfs.write(pmu + "cpumask", "0\n");
    sysfs.write(pmu + "events/energy-pkg", "umask=0x1\n");
    CHECK_THROWS_WITH(
        read_perf_power_pmu(sysfs.sys()),
        Catch::Contains("events/energy-pkg: expected 'event=0x..' and a .scale file"));
}

TEST_CASE("perf power PMU: CPU lists", "[worker][power]") {
    CHECK(parse_cpu_list("0") == std::vector<int>{0});
    CHECK(parse_cpu_list("0-3,8") == std::vector<int>{0, 1, 2, 3, 8});
    CHECK_THROWS_AS(parse_cpu_list("0-"), common::PowerError);
    CHECK_THROWS_AS(parse_cpu_list("3-1"), common::PowerError);
    CHECK_THROWS_AS(parse_cpu_list("a"), common::PowerError);
}

}  // namespace joulesweep::worker::power
