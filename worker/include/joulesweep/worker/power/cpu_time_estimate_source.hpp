#pragma once
// The last resort when no counter can be read (a VM, no permission): the node's busy
// CPU time from /proc/stat times a fixed power per busy core. It is a model, not a
// measurement, and is stored as source `estimate` so it is never mistaken for one.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

// Busy CPU seconds of the whole node since boot (user, nice, system, irq, softirq and
// steal from the "cpu" line of <proc>/stat); throws PowerError when unreadable.
double node_busy_cpu_s(const std::filesystem::path& proc_stat);

class CpuTimeEstimateSource final : public PowerSource {
public:
    CpuTimeEstimateSource(const std::filesystem::path& proc_root, double busy_core_w);

    PowerSourceKind kind() const noexcept override { return PowerSourceKind::kEstimate; }

    std::string description() const override;
    std::vector<DomainEnergy> read() override;

private:
    std::filesystem::path proc_stat_;
    double busy_core_w_;
    double first_busy_s_;
    DomainEnergy total_;
};

}  // namespace joulesweep::worker::power
