#pragma once
// The interface every energy meter implements (RAPL through powercap sysfs, RAPL
// through the MSR device, the perf `power` PMU, IPMI, the CPU-time estimate), so that
// the sampler and the attribution never care where joules come from, and tests can
// put fakes behind it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/name_table.hpp"

namespace joulesweep::worker::power {

// Stored with every energy figure: the values are part of the persistent format, never
// renumber, only append.
enum class PowerSourceKind : std::int16_t {
    kPerf = 1,        // the kernel's perf `power` PMU: RAPL, accumulated and quirk-corrected
    kRaplSysfs = 2,   // RAPL through /sys/class/powercap
    kRaplMsr = 3,     // RAPL through /dev/cpu/N/msr
    kIpmiDcmi = 4,    // the BMC's DCMI Get Power Reading
    kIpmiSensor = 5,  // a power sensor from the BMC's SDR
    kEstimate = 6,    // CPU time x a per-core power model: not a measurement
};

// The stable text of a kind, as stored.
inline constexpr common::NameTable<PowerSourceKind, 6> kPowerSourceNames{
    "energy source",
    {{{PowerSourceKind::kPerf, "perf"},
      {PowerSourceKind::kRaplSysfs, "rapl_sysfs"},
      {PowerSourceKind::kRaplMsr, "rapl_msr"},
      {PowerSourceKind::kIpmiDcmi, "ipmi_dcmi"},
      {PowerSourceKind::kIpmiSensor, "ipmi_sensor"},
      {PowerSourceKind::kEstimate, "estimate"}}}};

std::string_view to_text(PowerSourceKind kind) noexcept;  // kPowerSourceNames

// Energy of one domain (a CPU package, its DRAM, the node) accumulated since the source
// was opened, with what it took to get it.
struct DomainEnergy {
    std::string domain;      // "package-0", "dram-0", "psys", "node", "cpu-time"
    double energy_j = 0.0;   // since the source was opened; intervals with unknown energy add 0
    std::int64_t wraps = 0;  // counter wraparounds corrected
    std::int64_t unknown_intervals = 0;  // intervals whose energy could not be known (flagged)
    std::string note;  // why the last unknown interval was unknown; empty when none
    // The counter's unit, the smallest step of energy it can show; 0 for energy
    // integrated from power readings (IPMI) or modelled (the estimate).
    double unit_j = 0.0;
};

class PowerSource {
public:
    virtual ~PowerSource() = default;
    PowerSource() = default;
    PowerSource(const PowerSource&) = delete;
    PowerSource& operator=(const PowerSource&) = delete;
    PowerSource(PowerSource&&) = delete;
    PowerSource& operator=(PowerSource&&) = delete;

    virtual PowerSourceKind kind() const noexcept = 0;

    // What is measured, for people: "RAPL powercap: package-0, dram-0 (2 zones)".
    virtual std::string description() const = 0;

    // Reads every domain now and returns the energy accumulated since opening. Never
    // throws for one bad read: the interval is counted as unknown and noted.
    virtual std::vector<DomainEnergy> read() = 0;

    // The energy after which the smallest of its hardware counters wraps, or nullopt
    // when it never wraps (perf accumulates in 64 bits; IPMI and the estimate are no
    // counters). A sampler must read more often than this energy can be drawn.
    virtual std::optional<double> smallest_wrap_j() const { return std::nullopt; }

    // Reading more often than this returns the same value again (a BMC updates about
    // once a second); 0 when any period is useful.
    virtual double shortest_useful_period_s() const { return 0.0; }
};

}  // namespace joulesweep::worker::power
