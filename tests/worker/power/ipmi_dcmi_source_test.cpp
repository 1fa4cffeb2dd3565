#include "joulesweep/worker/power/ipmi_dcmi_source.hpp"

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "ipmi_simulator.hpp"

namespace joulesweep::worker::power {

TEST_CASE("IpmiDcmiSource: reads DCMI Get Power Reading from a real ipmi_sim", "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;  // DCMI at 300 W
    IpmiDcmiSource source(simulator.target());
    CHECK(source.kind() == PowerSourceKind::kIpmiDcmi);
    CHECK_THAT(source.description(),
               Catch::Contains("IPMI DCMI power reading from 127.0.0.1:") &&
                   Catch::Contains("300 W now") && Catch::Contains("BMC period 1000 ms"));
    CHECK(source.shortest_useful_period_s() == 1.0);
    const DcmiPowerReading first = source.reading();
    CHECK(first.current_w == 300.0);
    CHECK(first.average_w == 300.0);
    CHECK(first.active);
    simulator.set_dcmi_watts(420);
    CHECK(source.reading().current_w == 420.0);
}

TEST_CASE("IpmiDcmiSource: integrates the power over time", "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;
    simulator.set_dcmi_watts(200);
    IpmiDcmiSource source(simulator.target());
    const auto started = std::chrono::steady_clock::now();
    const double before = source.read().at(0).energy_j;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::vector<DomainEnergy> after = source.read();
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE(after.size() == 1);
    CHECK(after[0].domain == "node");
    CHECK(after[0].energy_j - before == Approx(200.0 * elapsed_s).epsilon(0.1));
    CHECK(after[0].unknown_intervals == 0);
}

TEST_CASE("IpmiDcmiSource: a stale BMC clock and an inactive measurement are flagged",
          "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;
    simulator.set_dcmi_watts(250, 1700000000U);  // the BMC's clock stands still
    IpmiDcmiSource source(simulator.target());
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    DomainEnergy stale = source.read().at(0);
    CHECK(stale.unknown_intervals == 1);
    CHECK_THAT(stale.note, Catch::Contains("stale") && Catch::Contains("held at 250 W"));
    CHECK(stale.energy_j > 0.0);  // held, not dropped

    simulator.remove_dcmi_watts();
    const DomainEnergy inactive = source.read().at(0);
    CHECK(inactive.unknown_intervals == 2);
    CHECK_THAT(inactive.note, Catch::Contains("measurement inactive"));
}

TEST_CASE("IpmiDcmiSource: a BMC without DCMI, a wrong password, no BMC: clear errors",
          "[worker][ipmi]") {
    const testing::IpmiSimulator plain(testing::IpmiSimulator::Options{false, 250, 0});
    CHECK_THROWS_WITH(
        IpmiDcmiSource(plain.target()),
        Catch::Contains("DCMI Get Power Reading from 127.0.0.1:") && Catch::Contains("failed"));
    const testing::IpmiSimulator with_dcmi;
    IpmiTarget low = with_dcmi.target();
    low.privilege = IpmiPrivilege::kUser;
    CHECK_THROWS_WITH(IpmiDcmiSource(low),
                      Catch::Contains("privilege level insufficient at user level") &&
                          Catch::Contains("--ipmi-privilege"));
    IpmiTarget wrong = plain.target();
    wrong.password = "not-the-password";
    CHECK_THROWS_WITH(IpmiDcmiSource(wrong), Catch::Contains("cannot open a session with"));
    IpmiTarget none;
    none.device = "/nonexistent/ipmi0";
    CHECK_THROWS_AS(IpmiDcmiSource(none), common::PowerError);
    CHECK_THROWS_WITH(IpmiDcmiSource(none), Catch::Contains("/nonexistent/ipmi0 does not exist"));
}

}  // namespace joulesweep::worker::power
