#pragma once
// Which RAPL zones under <sysfs>/class/powercap add up to the node's CPU energy without
// counting anything twice:
//   - one package counter per physical package (`package-N`, or its dies
//     `package-N-die-D`); the MMIO interface's copy of a package is skipped;
//   - plus each package's DRAM subzone, which the package does not include;
//   - never `core` or `uncore` (inside the package), and `psys` (the platform, which
//     overlaps the packages) only when there is no package zone at all.
// Subzones appear both flat in class/powercap and nested in their parent; only the flat
// entries are walked, so each zone is seen once.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace joulesweep::worker::power {

struct PowercapZone {
    std::filesystem::path directory;  // <sysfs>/class/powercap/intel-rapl:0
    std::string zone;                 // "intel-rapl:0"
    std::string domain;               // "package-0", "package-0-die-1", "dram-0", "psys"
    int package_id = -1;              // -1 for psys
    int die = 0;                      // the die within the package
    std::optional<std::uint64_t> max_energy_range_uj;  // nullopt when missing or unreadable
};

struct PowercapSelection {
    std::vector<PowercapZone> zones;   // counted, sorted by domain
    std::vector<std::string> skipped;  // one line per zone left out, with the reason
};

// An empty selection (with a reason in `skipped`) when there is no powercap class.
PowercapSelection select_powercap_zones(const std::filesystem::path& sysfs_root);

}  // namespace joulesweep::worker::power
