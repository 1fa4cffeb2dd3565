#include "joulesweep/worker/power/cpu_time_estimate_source.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

#include "fake_sysfs.hpp"

namespace joulesweep::worker::power {

TEST_CASE("CpuTimeEstimateSource: busy CPU time x watts per busy core, labelled an estimate",
          "[worker][power]") {
    testing::FakeSysfs files;
    const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    // user nice system idle iowait irq softirq steal: busy = 100+0+50+0+0+10+0 ticks (idle, iowait
    // excluded)
    files.write_proc("stat", "cpu  100 0 50 9000 300 0 10 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
    CHECK(node_busy_cpu_s(files.proc() / "stat") == Approx(160 / ticks));
    CpuTimeEstimateSource source(files.proc(), 12.5);
    CHECK(source.kind() == PowerSourceKind::kEstimate);
    CHECK_THAT(
        source.description(),
        Catch::Contains("estimate: 12.5 W per busy core") && Catch::Contains("not a measurement"));
    // Two more busy CPU-seconds, and a lot of idle that must not count.
    files.write_proc("stat",
                     "cpu  " + std::to_string(100 + static_cast<int>(2 * ticks)) +
                         " 0 50 99000 300 0 10 0 0 0\n");
    const std::vector<DomainEnergy> energies = source.read();
    REQUIRE(energies.size() == 1);
    CHECK(energies[0].domain == "cpu-time");
    CHECK(energies[0].energy_j == Approx(25.0));
}

TEST_CASE("CpuTimeEstimateSource: unreadable stat or a bad model is an error", "[worker][power]") {
    testing::FakeSysfs files;
    CHECK_THROWS_AS(CpuTimeEstimateSource(files.proc(), 10.0), common::PowerError);
    files.write_proc("stat", "cpu  1 2 3\n");
    CHECK_THROWS_WITH(node_busy_cpu_s(files.proc() / "stat"),
                      Catch::Contains("fewer than 8 numbers"));
    files.write_proc("stat", "cpu  1 2 3 4 5 6 7 8\n");
    CHECK_THROWS_AS(CpuTimeEstimateSource(files.proc(), 0.0), common::ConfigError);
}

}  // namespace joulesweep::worker::power
