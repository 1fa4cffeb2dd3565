#include "joulesweep/worker/power/power_ladder.hpp"

#include <catch2/catch.hpp>

#include "fake_sysfs.hpp"

namespace joulesweep::worker::power {
namespace {

PowerOptions options_for(const testing::FakeSysfs& files) {
    PowerOptions options;
    options.sysfs_root = files.sys();
    options.proc_root = files.proc();
    options.dev_cpu_root = files.sys() / "no-dev-cpu";
    return options;
}

void write_vm_proc(const testing::FakeSysfs& files) {
    files.write_proc("cpuinfo",
                     "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
                     "flags\t\t: fpu hypervisor\n");
    files.write_proc("stat", "cpu  1 2 3 4 5 6 7 8 0 0\n");
}

}  // namespace

TEST_CASE("power ladder: a VM without counters falls back to the estimate and says why",
          "[worker][power]") {
    testing::FakeSysfs files;
    write_vm_proc(files);
    const PowerProbe probe = probe_power_sources(options_for(files));
    REQUIRE(probe.chosen != nullptr);
    CHECK(probe.chosen->kind() == PowerSourceKind::kEstimate);
    CHECK(probe.under_hypervisor);
    REQUIRE(probe.candidates.size() == 6);
    CHECK(probe.candidates[0].kind == PowerSourceKind::kPerf);
    CHECK_FALSE(probe.candidates[0].available);
    CHECK_THAT(probe.candidates[0].detail, Catch::Contains("no perf power PMU"));
    CHECK_THAT(probe.candidates[1].detail, Catch::Contains("class/powercap does not exist"));
    CHECK_THAT(probe.candidates[2].detail, Catch::Contains("no CPU topology"));
    CHECK(probe.candidates[5].available);
}

TEST_CASE("power ladder: RAPL through powercap wins over the rungs below it", "[worker][power]") {
    testing::FakeSysfs files;
    write_vm_proc(files);
    files.add_zone("intel-rapl:0", "package-0", 1000);
    const PowerProbe probe = probe_power_sources(options_for(files));
    REQUIRE(probe.chosen != nullptr);
    CHECK(probe.chosen->kind() == PowerSourceKind::kRaplSysfs);
    CHECK(probe.candidates[1].available);
    CHECK_THAT(probe.candidates[1].detail, Catch::Contains("package-0 (intel-rapl:0)"));
    CHECK(probe.candidates[5].available);  // still probed, so the report is complete
}

}  // namespace joulesweep::worker::power
