#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

std::string_view to_text(PowerSourceKind kind) noexcept {
    return kPowerSourceNames.name(kind);
}

}  // namespace joulesweep::worker::power
