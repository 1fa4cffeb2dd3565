#include "joulesweep/common/size_choice.hpp"

#include "joulesweep/common/energy_to_target.hpp"

namespace joulesweep::common {

SizeChoice choose_size(const std::vector<SizeCost>& costs) {
    SizeChoice choice{kUnreached, std::nullopt, std::nullopt, std::nullopt};
    for (const SizeCost& entry : costs) {
        if (entry.cost == kUnreached) {
            continue;
        }
        if (!choice.smallest_size || entry.size < *choice.smallest_size) {
            choice.smallest_size = entry.size;
        }
        // Ties go to the smaller size.
        if (entry.cost < choice.minimum_cost ||
            (entry.cost == choice.minimum_cost && entry.size < *choice.optimal_size)) {
            choice.minimum_cost = entry.cost;
            choice.optimal_size = entry.size;
        }
    }
    if (choice.optimal_size) {
        choice.size_ratio =
            static_cast<double>(*choice.optimal_size) / static_cast<double>(*choice.smallest_size);
    }
    return choice;
}

}  // namespace joulesweep::common
