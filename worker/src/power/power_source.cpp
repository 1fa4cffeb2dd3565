#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

std::string_view to_text(PowerSourceKind kind) noexcept {
    switch (kind) {
        case PowerSourceKind::kPerf:
            return "perf";
        case PowerSourceKind::kRaplSysfs:
            return "rapl_sysfs";
        case PowerSourceKind::kRaplMsr:
            return "rapl_msr";
        case PowerSourceKind::kIpmiDcmi:
            return "ipmi_dcmi";
        case PowerSourceKind::kIpmiSensor:
            return "ipmi_sensor";
        case PowerSourceKind::kEstimate:
            return "estimate";
    }
    return "unknown";
}

}  // namespace joulesweep::worker::power
