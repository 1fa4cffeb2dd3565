#include "joulesweep/coordinator/reports/net_energy_tally.hpp"

#include <fmt/format.h>

namespace joulesweep::coordinator {

void NetEnergyTally::add(const common::RunEnergy& energy, std::size_t epochs) {
    const auto negative = static_cast<std::int64_t>(common::negative_net_epochs(energy));
    ++measured_runs;
    measured_epochs += static_cast<std::int64_t>(epochs);
    negative_epochs += negative;
    negative_runs += negative > 0 ? 1 : 0;
}

std::string NetEnergyTally::summary() const {
    if (negative_epochs == 0) {
        return fmt::format("energy: net joules positive in all {} measured epochs of {} runs",
                           measured_epochs,
                           measured_runs);
    }
    return fmt::format(
        "energy: warning: {} of {} measured epochs ({:.1f}%, in {} of {} runs) stored negative "
        "net joules (flag negative_net): the node drew less than its idle baseline, which was "
        "too high (docs/energy.md, \"Net joules\")",
        negative_epochs,
        measured_epochs,
        100.0 * static_cast<double>(negative_epochs) / static_cast<double>(measured_epochs),
        negative_runs,
        measured_runs);
}

}  // namespace joulesweep::coordinator
