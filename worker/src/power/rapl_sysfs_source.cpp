#include "joulesweep/worker/power/rapl_sysfs_source.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

constexpr double kJoulesPerMicrojoule = 1e-6;

}  // namespace

RaplSysfsSource::RaplSysfsSource(const std::filesystem::path& sysfs_root) {
    PowercapSelection selection = select_powercap_zones(sysfs_root);
    skipped_ = std::move(selection.skipped);
    if (selection.zones.empty()) {
        throw common::PowerError(
            skipped_.empty()
                ? fmt::format("no RAPL zone to read under {}/class/powercap", sysfs_root.string())
                : fmt::format("no RAPL zone to read: {}", fmt::join(skipped_, "; ")));
    }
    zones_.reserve(selection.zones.size());
    for (PowercapZone& info : selection.zones) {
        OpenAttribute energy_uj(info.directory / "energy_uj");
        std::string error;
        const std::optional<std::uint64_t> first = energy_uj.read_unsigned(error);
        if (!first) {
            throw common::PowerError(fmt::format("RAPL zone {}: {}", info.zone, error));
        }
        WrappingCounter counter(info.max_energy_range_uj);
        counter.start(*first);
        DomainEnergy total;
        total.domain = info.domain;
        total.unit_j = kJoulesPerMicrojoule;  // energy_uj's unit; RAPL's own is coarser
        zones_.push_back(Zone{std::move(info), std::move(energy_uj), counter, total});
    }
}

std::string RaplSysfsSource::description() const {
    std::vector<std::string> domains;
    domains.reserve(zones_.size());
    for (const Zone& zone : zones_) {
        domains.push_back(fmt::format("{} ({})", zone.info.domain, zone.info.zone));
    }
    return fmt::format("RAPL powercap: {}", fmt::join(domains, ", "));
}

std::optional<double> RaplSysfsSource::smallest_wrap_j() const {
    constexpr double kJoulesPerMicrojoule = 1e-6;
    std::optional<double> smallest;
    for (const Zone& zone : zones_) {
        if (zone.info.max_energy_range_uj) {
            const double range_j =
                static_cast<double>(*zone.info.max_energy_range_uj) * kJoulesPerMicrojoule;
            smallest = std::min(smallest.value_or(range_j), range_j);
        }
    }
    return smallest;
}

std::vector<DomainEnergy> RaplSysfsSource::read() {
    // This interval's increment of die 0 of each package, to recognise mirrored dies.
    std::map<int, std::uint64_t> die0_increment;
    std::vector<std::optional<std::uint64_t>> increments;
    increments.reserve(zones_.size());
    for (Zone& zone : zones_) {
        std::string error;
        const std::optional<std::uint64_t> value = zone.energy_uj.read_unsigned(error);
        std::optional<std::uint64_t> increment;
        if (!value) {
            zone.total.note = error;
        } else {
            increment = zone.counter.advance(*value);
            if (!increment) {
                zone.total.note = fmt::format(
                    "{} went down from one read to the next and max_energy_range_uj is "
                    "unknown: the interval's energy is unknown",
                    zone.energy_uj.file().string());
            }
        }
        if (increment && zone.info.die == 0 && zone.info.domain.starts_with("package-")) {
            die0_increment[zone.info.package_id] = *increment;
        }
        increments.push_back(increment);
    }
    std::vector<DomainEnergy> energies;
    energies.reserve(zones_.size());
    for (std::size_t index = 0; index < zones_.size(); ++index) {
        Zone& zone = zones_[index];
        const std::optional<std::uint64_t>& increment = increments[index];
        if (!increment) {
            ++zone.total.unknown_intervals;
        } else if (zone.info.die > 0 && *increment > 0 &&
                   die0_increment.contains(zone.info.package_id) &&
                   die0_increment[zone.info.package_id] == *increment) {
            zone.total.note = "moves exactly like die 0 of its package: a mirror, not added";
        } else {
            zone.accumulated_uj += static_cast<double>(*increment);
        }
        zone.total.energy_j = zone.accumulated_uj * kJoulesPerMicrojoule;
        zone.total.wraps = zone.counter.wraps();
        energies.push_back(zone.total);
    }
    return energies;
}

}  // namespace joulesweep::worker::power
