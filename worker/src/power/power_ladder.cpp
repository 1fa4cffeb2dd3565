#include "joulesweep/worker/power/power_ladder.hpp"

#include <functional>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/power/cpu_identity.hpp"
#include "joulesweep/worker/power/cpu_time_estimate_source.hpp"
#include "joulesweep/worker/power/ipmi_dcmi_source.hpp"
#include "joulesweep/worker/power/ipmi_sensor_source.hpp"
#include "joulesweep/worker/power/msr_device.hpp"
#include "joulesweep/worker/power/perf_power_pmu.hpp"
#include "joulesweep/worker/power/rapl_msr_source.hpp"
#include "joulesweep/worker/power/rapl_sysfs_source.hpp"

namespace joulesweep::worker::power {

namespace {

bool measures_cpu_and_dram(PowerSourceKind kind) {
    return kind == PowerSourceKind::kPerf || kind == PowerSourceKind::kRaplSysfs ||
           kind == PowerSourceKind::kRaplMsr;
}

bool measures_whole_node(PowerSourceKind kind) {
    return kind == PowerSourceKind::kIpmiDcmi || kind == PowerSourceKind::kIpmiSensor;
}

}  // namespace

PowerProbe probe_power_sources(const PowerOptions& options) {
    PowerProbe probe;
    const std::optional<CpuIdentity> cpu = read_cpu_identity(options.proc_root / "cpuinfo");
    probe.under_hypervisor = cpu && cpu->hypervisor;

    const auto rung = [&](PowerSourceKind kind,
                          const std::function<std::unique_ptr<PowerSource>()>& open) {
        PowerSourceCandidate candidate;
        candidate.kind = kind;
        try {
            std::unique_ptr<PowerSource> source = open();
            candidate.available = true;
            candidate.detail = source->description();
            if (!probe.chosen) {
                probe.chosen = std::move(source);
            } else if (!probe.wall && measures_cpu_and_dram(probe.chosen->kind()) &&
                       measures_whole_node(kind)) {
                probe.wall = std::move(source);
            }
        } catch (const common::Error& error) {
            candidate.detail = error.what();
        }
        probe.candidates.push_back(std::move(candidate));
    };

    rung(PowerSourceKind::kPerf, [&]() -> std::unique_ptr<PowerSource> {
        return std::make_unique<PerfPowerSource>(options.sysfs_root);
    });
    rung(PowerSourceKind::kRaplSysfs, [&]() -> std::unique_ptr<PowerSource> {
        return std::make_unique<RaplSysfsSource>(options.sysfs_root);
    });
    rung(PowerSourceKind::kRaplMsr, [&]() -> std::unique_ptr<PowerSource> {
        if (!cpu) {
            throw common::PowerError(fmt::format("cannot tell the CPU vendor from {}",
                                                 (options.proc_root / "cpuinfo").string()));
        }
        return std::make_unique<RaplMsrSource>(
            std::make_unique<FileMsrDevice>(options.dev_cpu_root),
            *cpu,
            first_cpu_per_package(options.sysfs_root));
    });
    rung(PowerSourceKind::kIpmiDcmi, [&]() -> std::unique_ptr<PowerSource> {
        return std::make_unique<IpmiDcmiSource>(options.ipmi);
    });
    rung(PowerSourceKind::kIpmiSensor, [&]() -> std::unique_ptr<PowerSource> {
        return std::make_unique<IpmiSensorSource>(options.ipmi);
    });
    rung(PowerSourceKind::kEstimate, [&]() -> std::unique_ptr<PowerSource> {
        return std::make_unique<CpuTimeEstimateSource>(options.proc_root,
                                                       options.estimate_busy_core_w);
    });
    return probe;
}

}  // namespace joulesweep::worker::power
