#include "joulesweep/common/run_result.hpp"

namespace joulesweep::common {

std::size_t negative_net_epochs(const RunEnergy& energy) {
    const std::size_t epochs = energy.net_j.empty() ? 0 : energy.net_j.front().size();
    std::size_t negative = 0;
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        double net_j = 0.0;
        for (const std::vector<float>& domain : energy.net_j) {
            net_j += domain.at(epoch);
        }
        if (net_j < 0.0) {
            ++negative;
        }
    }
    return negative;
}

}  // namespace joulesweep::common
