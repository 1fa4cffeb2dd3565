#pragma once
// RAPL through the powercap sysfs class: the zones select_powercap_zones picks, each
// energy_uj kept open and read with pread, wraps corrected from max_energy_range_uj.
// A die whose counter moves exactly like die 0 of its package is a mirror of it (one
// counter shown per die) and is not added again.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/worker/power/power_source.hpp"
#include "joulesweep/worker/power/powercap_zones.hpp"
#include "joulesweep/worker/power/sysfs_file.hpp"
#include "joulesweep/worker/power/wrapping_counter.hpp"

namespace joulesweep::worker::power {

class RaplSysfsSource final : public PowerSource {
public:
    // Throws PowerError when there is no usable zone or a zone's energy_uj cannot be
    // opened (the message names the file: energy_uj is root-only since Linux 5.10).
    explicit RaplSysfsSource(const std::filesystem::path& sysfs_root);

    PowerSourceKind kind() const noexcept override { return PowerSourceKind::kRaplSysfs; }

    std::string description() const override;
    std::vector<DomainEnergy> read() override;
    std::optional<double> smallest_wrap_j() const override;

    // The zones left out and why, for `joulesweep energy probe`.
    const std::vector<std::string>& skipped() const noexcept { return skipped_; }

private:
    struct Zone {
        PowercapZone info;
        OpenAttribute energy_uj;
        WrappingCounter counter;
        DomainEnergy total;
        double accumulated_uj = 0.0;
    };

    std::vector<Zone> zones_;
    std::vector<std::string> skipped_;
};

}  // namespace joulesweep::worker::power
