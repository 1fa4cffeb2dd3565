#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include <catch2/catch.hpp>

#include "joulesweep/worker/power/node_meter.hpp"
#include "joulesweep/worker/power/power_ladder.hpp"
#include "joulesweep/worker/power/run_energy_recorder.hpp"

#include "fake_sysfs.hpp"
#include "ipmi_simulator.hpp"
#include "power_fixtures.hpp"
#include "timed_epochs.hpp"

namespace joulesweep::worker::power {

TEST_CASE("NodeMeter: RAPL with a BMC beside it, both real readers, gives the rest of the node",
          "[worker][ipmi]") {
    // A BMC reporting 300 W over DCMI, and a package whose RAPL counter a thread advances
    // at 100 W: the rest of the node draws 200 W.
    const testing::IpmiSimulator simulator;
    testing::FakeSysfs files;
    files.add_zone("intel-rapl:0", "package-0", 0);
    PowerProbe probe = probe_power_sources(testing::fake_node_options(files, simulator.target()));
    REQUIRE(probe.chosen);
    CHECK(probe.chosen->kind() == PowerSourceKind::kRaplSysfs);
    REQUIRE(probe.wall);
    CHECK(probe.wall->kind() == PowerSourceKind::kIpmiDcmi);

    std::atomic<bool> stop{false};
    std::thread package([&files, &stop] {
        const auto started = std::chrono::steady_clock::now();
        while (!stop.load()) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            files.set_energy("intel-rapl:0", static_cast<std::uint64_t>(100.0 * seconds * 1e6));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    LocalRingMemory memory;
    const SampleRing reader = SampleRing::attach(memory.data());
    const MeterSettings settings = testing::test_meter_settings(files, 0.05, 0.0);
    std::optional<common::RunEnergy> energy;
    std::vector<double> epoch_s;
    {
        const NodeMeter meter(std::move(probe.chosen),
                              SampleRing::create(memory.data()),
                              settings,
                              std::move(probe.wall));
        RunEnergyRecorder recorder(reader, true);
        epoch_s = testing::timed_epochs(recorder, 5, std::chrono::milliseconds(500));
        energy = recorder.finish();
    }
    stop.store(true);
    package.join();

    REQUIRE(energy);
    CHECK(energy->source == "rapl_sysfs");
    CHECK(energy->wall_source == "ipmi_dcmi");
    // RAPL over the whole run, where the lags of the thread that plays it cancel but at
    // the two ends (one epoch alone came out 10% short on a loaded CI machine).
    double package_j = 0.0;
    double run_s = 0.0;
    for (std::size_t epoch = 0; epoch < epoch_s.size(); ++epoch) {
        package_j += energy->gross_j.at(0).at(epoch);
        run_s += epoch_s[epoch];
    }
    CHECK(package_j == Approx(100.0 * run_s).epsilon(0.05));
    REQUIRE(energy->rest_of_node_j.size() == 5);
    // The BMC is read about once a second: its reads reach at least the first three. Each
    // epoch is held to 15%: on a loaded machine the thread that plays RAPL lags by tens of
    // milliseconds at a boundary; over the three the lags cancel but at the two ends.
    double rest_j = 0.0;
    double expected_j = 0.0;
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        CHECK(energy->rest_of_node_j[epoch] == Approx(200.0 * epoch_s[epoch]).epsilon(0.15));
        rest_j += energy->rest_of_node_j[epoch];
        expected_j += 200.0 * epoch_s[epoch];
    }
    CHECK(rest_j == Approx(expected_j).epsilon(0.05));
    CHECK(std::find(energy->flags.begin(), energy->flags.end(), "rest_of_node_implausible") ==
          energy->flags.end());
}

}  // namespace joulesweep::worker::power
