#pragma once
// Picks the best energy source this node offers and records why each better one was not
// used: the perf power PMU (kernel-accumulated, quirks applied), RAPL through powercap,
// RAPL through the MSR device, IPMI, and last the CPU-time estimate. The roots of sysfs,
// the MSR devices and procfs are options so that tests point them at fixtures.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "joulesweep/worker/power/ipmi_target.hpp"
#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

struct PowerOptions {
    std::filesystem::path sysfs_root = "/sys";
    std::filesystem::path dev_cpu_root = "/dev/cpu";  // <root>/<cpu>/msr
    std::filesystem::path proc_root = "/proc";        // cpuinfo, stat
    double estimate_busy_core_w = 10.0;               // the estimate's model
    IpmiTarget ipmi;                                  // the BMC, for both IPMI rungs
};

struct PowerSourceCandidate {
    PowerSourceKind kind = PowerSourceKind::kEstimate;
    bool available = false;
    std::string detail;  // what it measures when available, why not otherwise
};

struct PowerProbe {
    std::vector<PowerSourceCandidate> candidates;  // in the ladder's order, best first
    std::unique_ptr<PowerSource> chosen;           // the first available one
    // The BMC's reading of the whole node, when `chosen` is RAPL (CPU and DRAM only) and
    // an IPMI rung answers too: read beside it, it tells the rest of the node.
    std::unique_ptr<PowerSource> wall;
    bool under_hypervisor = false;  // a VM: counters may be absent or emulated
};

// Tries every rung. `chosen` is null only when even the estimate cannot run (no
// readable <proc>/stat).
PowerProbe probe_power_sources(const PowerOptions& options);

}  // namespace joulesweep::worker::power
