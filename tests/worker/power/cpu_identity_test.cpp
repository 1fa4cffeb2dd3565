#include "joulesweep/worker/power/cpu_identity.hpp"

#include <array>
#include <utility>

#include <catch2/catch.hpp>

#include "fake_sysfs.hpp"

namespace joulesweep::worker::power {

TEST_CASE("CPU identity: vendor, family, model and the hypervisor flag from cpuinfo",
          "[worker][power]") {
    testing::FakeSysfs files;
    files.write_proc("cpuinfo",
                     "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 68\n"
                     "model name\t: AMD EPYC 9B45\nflags\t\t: fpu vme rapl hypervisor lahf_lm\n\n"
                     "processor\t: 1\nvendor_id\t: GenuineIntel\n");
    const std::optional<CpuIdentity> cpu = read_cpu_identity(files.proc() / "cpuinfo");
    REQUIRE(cpu.has_value());
    CHECK(cpu->vendor == CpuVendor::kAmd);
    CHECK(cpu->family == 26);
    CHECK(cpu->model == 68);
    CHECK(cpu->model_name == "AMD EPYC 9B45");
    CHECK(cpu->hypervisor);
    CHECK_FALSE(read_cpu_identity(files.proc() / "missing").has_value());
    // The node type energy provenance stores: the model and every processor listed.
    CHECK(node_type(files.proc() / "cpuinfo") == "AMD EPYC 9B45 (2 CPUs)");
    CHECK(node_type(files.proc() / "missing") == "unknown");
}

TEST_CASE("CPU identity: the first CPU of each physical package", "[worker][power]") {
    testing::FakeSysfs sysfs;
    const std::array<std::pair<int, int>, 4> cpu_packages = {{{0, 0}, {1, 1}, {2, 0}, {3, 1}}};
    for (const auto& [cpu, package] : cpu_packages) {
        sysfs.write(
            "devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/physical_package_id",
            std::to_string(package) + "\n");
    }
    sysfs.write("devices/system/cpu/cpufreq/boost", "1\n");
    CHECK(first_cpu_per_package(sysfs.sys()) == std::map<int, int>{{0, 0}, {1, 1}});
}

}  // namespace joulesweep::worker::power
