#include "joulesweep/worker/power/power_integrator.hpp"

#include <catch2/catch.hpp>

namespace joulesweep::worker::power {

TEST_CASE("PowerIntegrator: the trapezoid rule between readings", "[worker][power]") {
    PowerIntegrator integrator;
    CHECK_FALSE(integrator.started());
    integrator.add(10.0, 100.0);
    CHECK(integrator.started());
    CHECK(integrator.energy_j() == 0.0);
    integrator.add(12.0, 200.0);  // 2 s from 100 W to 200 W: 300 J
    CHECK(integrator.energy_j() == Approx(300.0));
    integrator.add(12.0, 999.0);  // no time passed: ignored
    integrator.add(11.0, 999.0);  // backwards: ignored
    CHECK(integrator.last_watts() == 200.0);
    integrator.add(13.5, 200.0);
    CHECK(integrator.energy_j() == Approx(600.0));
}

}  // namespace joulesweep::worker::power
