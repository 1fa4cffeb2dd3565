#include "joulesweep/worker/power/powercap_zones.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "joulesweep/worker/power/sysfs_file.hpp"

namespace joulesweep::worker::power {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRaplPrefix = "intel-rapl:";
constexpr std::string_view kMmioPrefix = "intel-rapl-mmio:";

struct PackageName {
    int package_id = -1;
    int die = 0;
};

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

// "package-3" -> {3, 0}; "package-3-die-1" -> {3, 1}.
std::optional<PackageName> parse_package_name(std::string_view name) {
    constexpr std::string_view kPackage = "package-";
    constexpr std::string_view kDie = "-die-";
    if (!name.starts_with(kPackage)) {
        return std::nullopt;
    }
    name.remove_prefix(kPackage.size());
    const std::size_t die_at = name.find(kDie);
    const std::optional<int> package = parse_int(name.substr(0, die_at));
    if (!package) {
        return std::nullopt;
    }
    if (die_at == std::string_view::npos) {
        return PackageName{*package, 0};
    }
    const std::optional<int> die = parse_int(name.substr(die_at + kDie.size()));
    if (!die) {
        return std::nullopt;
    }
    return PackageName{*package, *die};
}

// "intel-rapl:0:2" -> "intel-rapl:0"; a top-level zone -> itself.
std::string parent_zone(const std::string& zone) {
    const std::size_t first = zone.find(':');
    const std::size_t last = zone.rfind(':');
    return first == last ? zone : zone.substr(0, last);
}

bool is_subzone(const std::string& zone) {
    return parent_zone(zone) != zone;
}

PowercapZone make_zone(const fs::path& directory, std::string domain, PackageName package) {
    PowercapZone zone;
    zone.directory = directory;
    zone.zone = directory.filename().string();
    zone.domain = std::move(domain);
    zone.package_id = package.package_id;
    zone.die = package.die;
    zone.max_energy_range_uj = read_unsigned_attribute(directory / "max_energy_range_uj");
    return zone;
}

// The zones of class/powercap by what their name says they are, before deciding.
struct ClassifiedZones {
    std::map<std::string, PackageName> package_of_zone;  // top-level zones named package-N
    std::vector<PowercapZone> packages;
    std::vector<PowercapZone> mmio_packages;
    std::vector<PowercapZone> platform;
    std::vector<std::pair<fs::path, std::string>> drams;  // directory, parent zone
};

// Flat entries only (subzones are also nested inside their parents), sorted so that the
// choice does not depend on directory order.
std::vector<fs::path> zone_directories(const fs::path& class_dir) {
    std::vector<fs::path> entries;
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(class_dir, error)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(kRaplPrefix) || name.starts_with(kMmioPrefix)) {
            entries.push_back(entry.path());
        }
    }
    std::sort(entries.begin(), entries.end());
    return entries;
}

ClassifiedZones classify(const std::vector<fs::path>& directories,
                         std::vector<std::string>& skipped) {
    ClassifiedZones zones;
    std::error_code error;
    for (const fs::path& directory : directories) {
        const std::string zone = directory.filename().string();
        const std::string name = read_attribute(directory / "name").value_or("");
        const std::optional<PackageName> package = parse_package_name(name);
        if (!fs::exists(directory / "energy_uj", error)) {
            skipped.push_back(fmt::format("{} ({}): no energy_uj", zone, name));
        } else if (package && !is_subzone(zone)) {
            zones.package_of_zone[zone] = *package;
            (zone.starts_with(kMmioPrefix) ? zones.mmio_packages : zones.packages)
                .push_back(make_zone(directory, name, *package));
        } else if (name == "dram") {
            zones.drams.emplace_back(directory, parent_zone(zone));
        } else if (name == "psys") {
            zones.platform.push_back(make_zone(directory, "psys", PackageName{}));
        } else if (name == "core" || name == "uncore") {
            skipped.push_back(
                fmt::format("{} ({}): part of its package, already counted", zone, name));
        } else {
            skipped.push_back(fmt::format("{} ({}): not a RAPL domain we count", zone, name));
        }
    }
    return zones;
}

// An MMIO zone counts only for a package the MSR interface does not show.
void add_mmio_packages(ClassifiedZones& zones, std::vector<std::string>& skipped) {
    for (PowercapZone& mmio : zones.mmio_packages) {
        const bool copy =
            std::any_of(zones.packages.begin(), zones.packages.end(), [&](const auto& zone) {
                return zone.package_id == mmio.package_id && zone.die == mmio.die;
            });
        if (copy) {
            skipped.push_back(fmt::format(
                "{} ({}): the MMIO copy of a package already counted", mmio.zone, mmio.domain));
        } else {
            zones.packages.push_back(std::move(mmio));
        }
    }
}

void add_drams(const ClassifiedZones& zones, PowercapSelection& selection) {
    for (const auto& [directory, parent] : zones.drams) {
        const auto package = zones.package_of_zone.find(parent);
        if (package == zones.package_of_zone.end()) {
            selection.skipped.push_back(fmt::format("{} (dram): its parent {} is not a package",
                                                    directory.filename().string(),
                                                    parent));
            continue;
        }
        selection.zones.push_back(make_zone(
            directory, fmt::format("dram-{}", package->second.package_id), package->second));
    }
}

}  // namespace

PowercapSelection select_powercap_zones(const fs::path& sysfs_root) {
    PowercapSelection selection;
    const fs::path class_dir = sysfs_root / "class" / "powercap";
    std::error_code error;
    if (!fs::is_directory(class_dir, error)) {
        selection.skipped.push_back(
            fmt::format("{} does not exist: no RAPL through powercap "
                        "(a VM, or the intel_rapl driver is not loaded)",
                        class_dir.string()));
        return selection;
    }
    ClassifiedZones zones = classify(zone_directories(class_dir), selection.skipped);
    add_mmio_packages(zones, selection.skipped);
    add_drams(zones, selection);
    // psys overlaps the packages: it is the total only where there is no package zone.
    for (PowercapZone& zone : zones.platform) {
        if (zones.packages.empty()) {
            selection.zones.push_back(std::move(zone));
        } else {
            selection.skipped.push_back(fmt::format(
                "{} (psys): the platform total, which overlaps the packages", zone.zone));
        }
    }
    for (PowercapZone& zone : zones.packages) {
        selection.zones.push_back(std::move(zone));
    }
    std::sort(selection.zones.begin(), selection.zones.end(), [](const auto& a, const auto& b) {
        return a.domain < b.domain;
    });
    return selection;
}

}  // namespace joulesweep::worker::power
