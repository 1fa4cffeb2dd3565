#include "joulesweep/coordinator/reports/net_energy_tally.hpp"

#include <catch2/catch.hpp>

#include "sample_energy.hpp"

namespace joulesweep::coordinator {

TEST_CASE("NetEnergyTally: says how many epochs stored negative net joules",
          "[coordinator][energy]") {
    NetEnergyTally tally;
    tally.add(testing::sample_energy(2), 2);
    CHECK(tally.summary() == "energy: net joules positive in all 2 measured epochs of 1 runs");

    common::RunEnergy below = testing::sample_energy(2);
    below.net_j.at(0).at(1) = -3.0F;  // with the other domain's 1 J: -2 J in epoch 2
    tally.add(below, 2);
    CHECK(tally.measured_runs == 2);
    CHECK(tally.negative_runs == 1);
    CHECK(tally.negative_epochs == 1);
    CHECK(tally.summary() ==
          "energy: warning: 1 of 4 measured epochs (25.0%, in 1 of 2 runs) stored negative net "
          "joules (flag negative_net): the node drew less than its idle baseline, which was too "
          "high (docs/energy.md, \"Net joules\")");
}

}  // namespace joulesweep::coordinator
