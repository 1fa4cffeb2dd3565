#include "sample_energy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace joulesweep::testing {

common::RunEnergy sample_energy(std::size_t epochs) {
    common::RunEnergy energy;
    energy.source = "rapl_sysfs";
    energy.attribution = "cpu_time_share";
    energy.domains = {"package-0", "dram-0"};
    energy.idle_w = {41.5F, 3.25F};
    energy.unit_j = {6.103515625e-05, 1.52587890625e-05};
    energy.gross_j.resize(2);
    energy.net_j.resize(2);
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        const auto value = static_cast<float>(epoch + 1);
        energy.gross_j[0].push_back(10.0F * value);
        energy.gross_j[1].push_back(value);
        energy.net_j[0].push_back(5.0F * value);
        energy.net_j[1].push_back(0.5F * value);
        energy.share.push_back(0.25F);
        energy.rest_of_node_j.push_back(epoch == 0 ? std::numeric_limits<float>::quiet_NaN()
                                                   : 4.0F * value);
    }
    energy.wall_source = "ipmi_dcmi";
    energy.train_rows = 640;
    energy.samples = 42;
    energy.largest_gap_s = 0.125;
    energy.period_s = 0.1;
    energy.wraps = 1;
    energy.unknown_intervals = 0;
    energy.flags = {"shared_node"};
    energy.node_type = "Test CPU 9000 (2 CPUs)";
    return energy;
}

bool same_series(const std::vector<float>& left, const std::vector<float>& right) {
    return std::equal(left.begin(), left.end(), right.begin(), right.end(), [](float a, float b) {
        return a == b || (std::isnan(a) && std::isnan(b));
    });
}

}  // namespace joulesweep::testing
