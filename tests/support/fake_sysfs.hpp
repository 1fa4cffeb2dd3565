#pragma once
// Fake sysfs and procfs trees for the power meters (RAPL through powercap, the perf
// power PMU, CPU topology, /proc/cpuinfo and /proc/stat), built in a temporary
// directory: this machine has no RAPL, so the readers are tested on these files behind
// the same interface.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "temporary_directory.hpp"

namespace joulesweep::testing {

class FakeSysfs {
public:
    // The root to pass as sysfs_root (and proc_root: proc/ is a sibling).
    const std::filesystem::path& sys() const noexcept { return sys_; }

    const std::filesystem::path& proc() const noexcept { return proc_; }

    // A powercap zone class/powercap/<zone> with name, energy_uj and (unless nullopt)
    // max_energy_range_uj. Returns its directory.
    std::filesystem::path add_zone(
        const std::string& zone,
        const std::string& name,
        std::uint64_t energy_uj,
        std::optional<std::uint64_t> max_energy_range_uj = 262143328850ULL);

    // Rewrites a zone's energy_uj in place (the open file sees the new value).
    void set_energy(const std::string& zone, std::uint64_t energy_uj) const;

    // Writes `text` to sys()/relative, creating directories.
    void write(const std::filesystem::path& relative, const std::string& text) const;

    // Writes `text` to proc()/relative.
    void write_proc(const std::filesystem::path& relative, const std::string& text) const;

private:
    TemporaryDirectory directory_;
    std::filesystem::path sys_ = directory_.path() / "sys";
    std::filesystem::path proc_ = directory_.path() / "proc";
};

}  // namespace joulesweep::testing
