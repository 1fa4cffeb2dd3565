#include "joulesweep/worker/power/ipmi_sensor_source.hpp"

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "ipmi_simulator.hpp"

namespace joulesweep::worker::power {

TEST_CASE("IpmiSensorSource: finds the power sensor in the SDR and follows its value",
          "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;  // the sensor at 250 W
    IpmiSensorSource source(simulator.target());
    CHECK(source.kind() == PowerSourceKind::kIpmiSensor);
    CHECK_THAT(source.description(),
               Catch::Contains("IPMI power sensor 'Node Power'") && Catch::Contains("250 W now"));
    CHECK(source.watts() == 250.0);
    simulator.set_sensor_watts(412);
    // The simulator polls its file every 200 ms.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    double watts = source.watts();
    while (watts != 412.0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        watts = source.watts();
    }
    CHECK(watts == 412.0);
}

TEST_CASE("IpmiSensorSource: integrates the sensor's power over time", "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;
    IpmiSensorSource source(simulator.target());
    const auto started = std::chrono::steady_clock::now();
    const double before = source.read().at(0).energy_j;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const DomainEnergy after = source.read().at(0);
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(after.domain == "node");
    CHECK(after.energy_j - before == Approx(250.0 * elapsed_s).epsilon(0.1));
}

TEST_CASE("IpmiSensorSource: a sensor name the SDR does not have is refused with the names",
          "[worker][ipmi]") {
    const testing::IpmiSimulator simulator;
    IpmiTarget target = simulator.target();
    target.sensor = "PSU Input";
    CHECK_THROWS_WITH(IpmiSensorSource(target),
                      Catch::Contains("no sensor named 'PSU Input'") &&
                          Catch::Contains("its sensors in watts: Node Power"));
    target.sensor = "Node Power";
    CHECK(IpmiSensorSource(target).watts() == 250.0);
}

}  // namespace joulesweep::worker::power
