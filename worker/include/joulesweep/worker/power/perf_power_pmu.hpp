#pragma once
// The kernel's perf `power` PMU (<sysfs>/bus/event_source/devices/power): RAPL counters
// the kernel accumulates into 64 bits (no wraps to handle) with its unit quirks already
// applied. System-wide only: one event per CPU listed in `cpumask` (one per package),
// which needs perf_event_paranoid <= 0 or CAP_PERFMON.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

struct PerfPowerEvent {
    std::string name;          // "energy-pkg"
    std::uint64_t config = 0;  // the event code, from "event=0x02"
    double scale_j = 0.0;      // joules per count (2^-32 on current kernels)
};

struct PerfPowerPmu {
    std::uint32_t type = 0;              // perf_event_attr.type
    std::vector<int> cpus;               // from cpumask: one CPU per package (or die)
    std::vector<PerfPowerEvent> events;  // energy-* events with a scale, sorted by name
};

// Parses the PMU's sysfs directory; throws PowerError naming what is missing or malformed.
PerfPowerPmu read_perf_power_pmu(const std::filesystem::path& sysfs_root);

// Parses a CPU list such as "0", "0,28" or "0-3,8"; throws PowerError when malformed.
std::vector<int> parse_cpu_list(const std::string& text);

// perf_event_open on every (cpu, energy-pkg / energy-ram / energy-psys) pair. Throws
// PowerError when an event cannot be opened (naming perf_event_paranoid on EACCES).
class PerfPowerSource final : public PowerSource {
public:
    explicit PerfPowerSource(const std::filesystem::path& sysfs_root);
    ~PerfPowerSource() override;

    PerfPowerSource(const PerfPowerSource&) = delete;
    PerfPowerSource& operator=(const PerfPowerSource&) = delete;
    PerfPowerSource(PerfPowerSource&&) = delete;
    PerfPowerSource& operator=(PerfPowerSource&&) = delete;

    PowerSourceKind kind() const noexcept override { return PowerSourceKind::kPerf; }

    std::string description() const override;
    std::vector<DomainEnergy> read() override;

private:
    struct OpenEvent {
        int descriptor = -1;
        double scale_j = 0.0;
        std::uint64_t first_count = 0;
        DomainEnergy total;
    };

    std::vector<OpenEvent> events_;
};

}  // namespace joulesweep::worker::power
