#include "joulesweep/worker/power/node_meter.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/power/run_energy_recorder.hpp"

#include "fake_sysfs.hpp"
#include "power_fixtures.hpp"
#include "timed_epochs.hpp"

namespace joulesweep::worker::power {
namespace {

// A counter source whose power the test sets: energy = watts x time since it opened.
class SteadySource final : public PowerSource {
public:
    explicit SteadySource(std::shared_ptr<std::atomic<double>> watts,
                          std::size_t domains = 1,
                          PowerSourceKind kind = PowerSourceKind::kRaplSysfs)
        : watts_(std::move(watts)), domains_(domains), kind_(kind) {}

    PowerSourceKind kind() const noexcept override { return kind_; }

    std::string description() const override { return "steady test source"; }

    std::vector<DomainEnergy> read() override {
        const auto now = std::chrono::steady_clock::now();
        energy_j_ += watts_->load() * std::chrono::duration<double>(now - last_).count();
        last_ = now;
        std::vector<DomainEnergy> domains(domains_);
        for (std::size_t index = 0; index < domains_; ++index) {
            domains[index].domain = "package-" + std::to_string(index);
            domains[index].energy_j = energy_j_;
        }
        return domains;
    }

    std::optional<double> smallest_wrap_j() const override { return 1000.0; }

private:
    std::shared_ptr<std::atomic<double>> watts_;
    std::size_t domains_;
    PowerSourceKind kind_;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
    double energy_j_ = 0.0;
};

}  // namespace

TEST_CASE("sampling_period_s: the requested period, or a quarter of a counter's wrap time",
          "[worker][power]") {
    MeterSettings settings;
    settings.period_s = 0.1;
    settings.power_ceiling_w = 500.0;
    CHECK(sampling_period_s(std::nullopt, settings) == 0.1);  // perf, IPMI, the estimate
    // 262 kJ (a typical powercap range): 524 s at 500 W, far beyond 0.1 s.
    CHECK(sampling_period_s(262143.0, settings) == 0.1);
    // 2^32 x 2^-16 J = 65.5 kJ at 500 W: 131 s to wrap; a 300 s request gets a quarter.
    settings.period_s = 300.0;
    CHECK(sampling_period_s(65536.0, settings) == Approx(32.768));
    // A BMC that updates once a second is not asked more often.
    settings.period_s = 0.1;
    CHECK(sampling_period_s(std::nullopt, settings, 1.0) == 1.0);
    // Never below RAPL's own update period.
    CHECK(sampling_period_s(0.001, settings) == 0.001);
}

TEST_CASE("NodeMeter: measures the idle baseline, then samples until destroyed",
          "[worker][power]") {
    testing::FakeSysfs files;
    auto watts = std::make_shared<std::atomic<double>>(40.0);
    LocalRingMemory memory;
    const SampleRing reader = SampleRing::attach(memory.data());
    const MeterSettings settings = testing::test_meter_settings(files, 0.01, 0.2);
    {
        NodeMeter meter(
            std::make_unique<SteadySource>(watts, 2), SampleRing::create(memory.data()), settings);
        const auto description = reader.description();
        REQUIRE(description);
        CHECK(description->source == PowerSourceKind::kRaplSysfs);
        CHECK(description->domains == std::vector<std::string>{"package-0", "package-1"});
        REQUIRE(description->idle_w.size() == 2);
        CHECK(description->idle_w[0] == Approx(40.0).epsilon(0.05));
        CHECK(description->period_s == 0.01);

        // A "run" of 0.3 s at 100 W on the only training rank.
        watts->store(100.0);
        RunEnergyRecorder recorder(reader, true);
        const auto seconds_since = [](std::chrono::steady_clock::time_point start) {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        };
        recorder.start_run(1000);
        const auto started = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        const double first_s = seconds_since(started);
        recorder.end_epoch();
        const auto second = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        const double second_s = seconds_since(second);
        recorder.end_epoch();
        const auto energy = recorder.finish();
        REQUIRE(energy);
        CHECK(energy->train_rows == 1000);
        REQUIRE(energy->gross_j.size() == 2);
        REQUIRE(energy->gross_j[0].size() == 2);
        // 100 W x each epoch's time, as the test timed it around the marks.
        CHECK(energy->gross_j[0][0] == Approx(100.0 * first_s).epsilon(0.05));
        CHECK(energy->net_j[0][1] == Approx(60.0 * second_s).epsilon(0.05));  // minus 40 W idle
        CHECK(energy->samples >= 10);
        CHECK(energy->largest_gap_s < 0.1);
    }
    // Stopped: no sample is appended any more.
    const auto newest = reader.newest_time_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(reader.newest_time_ns() == newest);
}

TEST_CASE("NodeMeter: the idle power measured again while it samples, for the drift",
          "[worker][power]") {
    testing::FakeSysfs files;
    auto watts = std::make_shared<std::atomic<double>>(40.0);
    LocalRingMemory memory;
    const SampleRing reader = SampleRing::attach(memory.data());
    const NodeMeter meter(std::make_unique<SteadySource>(watts, 2),
                          SampleRing::create(memory.data()),
                          testing::test_meter_settings(files, 0.01, 0.2));
    watts->store(44.0);  // the node idles 10% higher than when the job started
    const std::vector<double> again = meter.measure_idle(0.3);
    REQUIRE(again.size() == 2);
    CHECK(again[0] == Approx(44.0).epsilon(0.05));
    CHECK(again[1] == Approx(44.0).epsilon(0.05));
    // What the runs subtract stays the start's baseline.
    CHECK(reader.description()->idle_w.at(0) == Approx(40.0).epsilon(0.05));
}

TEST_CASE("NodeMeter: during a job, the idle power measured again once the node's runs are over",
          "[worker][power]") {
    testing::FakeSysfs files;
    auto watts = std::make_shared<std::atomic<double>>(40.0);
    LocalRingMemory memory;
    const SampleRing rank = SampleRing::attach(memory.data());
    MeterSettings settings = testing::test_meter_settings(files, 0.01, 0.2);
    settings.idle_again_every_s = 0.3;
    std::mutex mutex;
    std::vector<IdleRemeasurement> told;  // from the sampler's thread
    settings.on_idle_again = [&](const IdleRemeasurement& idle) {
        const std::lock_guard<std::mutex> lock(mutex);
        told.push_back(idle);
    };
    const auto first_told = [&]() -> std::optional<IdleRemeasurement> {
        const std::lock_guard<std::mutex> lock(mutex);
        return told.empty() ? std::nullopt : std::optional<IdleRemeasurement>(told.front());
    };
    const NodeMeter meter(
        std::make_unique<SteadySource>(watts, 1), SampleRing::create(memory.data()), settings);
    // A run in progress when the window opens holds the measurement off.
    REQUIRE(rank.try_begin_run());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK_FALSE(rank.try_begin_run());  // the window is open: the next run waits
    watts->store(50.0);                 // the node idles higher from now on
    rank.end_run();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!first_told() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(first_told());
    const IdleRemeasurement idle = *first_told();
    CHECK(idle.before_w.at(0) == Approx(40.0).epsilon(0.05));
    CHECK(idle.after_w.at(0) == Approx(50.0).epsilon(0.05));
    CHECK(idle.waited_s > 0.1);  // for the run that was in progress
    // Runs may begin again, and subtract the new baseline.
    CHECK(rank.try_begin_run());
    rank.end_run();
    CHECK(rank.description()->idle_w.at(0) == Approx(50.0).epsilon(0.05));
    // The meter's own description keeps the start's baseline.
    CHECK(meter.description().idle_w.at(0) == Approx(40.0).epsilon(0.05));
}

TEST_CASE("NodeMeter: a requested sample comes at once, not at the next tick", "[worker][power]") {
    testing::FakeSysfs files;
    LocalRingMemory memory;
    const SampleRing reader = SampleRing::attach(memory.data());
    // A 30 s period: no tick during the test.
    const MeterSettings settings = testing::test_meter_settings(files, 30.0, 0.0);
    auto watts = std::make_shared<std::atomic<double>>(100.0);
    const NodeMeter meter(
        std::make_unique<SteadySource>(watts), SampleRing::create(memory.data()), settings);
    for (int request = 0; request < 3; ++request) {
        const std::int64_t before = reader.newest_time_ns().value_or(0);
        const auto asked = std::chrono::steady_clock::now();
        reader.request_sample();
        while (reader.newest_time_ns().value_or(0) == before &&
               std::chrono::steady_clock::now() - asked < std::chrono::seconds(5)) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        CHECK(reader.newest_time_ns().value_or(0) > before);
        CHECK(std::chrono::steady_clock::now() - asked < std::chrono::seconds(1));
    }
    // A recorder's finish() asks too: a run never waits for the 30 s tick.
    RunEnergyRecorder recorder(reader, true);
    recorder.start_run(1);
    recorder.end_epoch();
    const auto asked = std::chrono::steady_clock::now();
    REQUIRE(recorder.finish());
    CHECK(std::chrono::steady_clock::now() - asked < std::chrono::seconds(1));
}

TEST_CASE("NodeMeter: a wall meter beside RAPL, read once a second, gives the rest of the node",
          "[worker][power]") {
    testing::FakeSysfs files;
    LocalRingMemory memory;
    const SampleRing reader = SampleRing::attach(memory.data());
    const MeterSettings settings = testing::test_meter_settings(files, 0.02, 0.0);
    auto rapl_w = std::make_shared<std::atomic<double>>(100.0);
    auto wall_w = std::make_shared<std::atomic<double>>(160.0);
    const NodeMeter meter(std::make_unique<SteadySource>(rapl_w),
                          SampleRing::create(memory.data()),
                          settings,
                          std::make_unique<SteadySource>(wall_w, 1, PowerSourceKind::kIpmiSensor));
    REQUIRE(reader.description()->wall_source == PowerSourceKind::kIpmiSensor);
    // Five epochs of 0.5 s: the wall's reads at about 0, 1 and 2 s reach the first three.
    RunEnergyRecorder recorder(reader, true);
    const std::vector<double> epoch_s =
        testing::timed_epochs(recorder, 5, std::chrono::milliseconds(500));
    const auto energy = recorder.finish();
    REQUIRE(energy);
    CHECK(energy->wall_source == "ipmi_sensor");
    REQUIRE(energy->rest_of_node_j.size() == 5);
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        CHECK(energy->rest_of_node_j[epoch] == Approx(60.0 * epoch_s[epoch]).epsilon(0.05));
    }
    const bool any_unknown = std::any_of(energy->rest_of_node_j.begin(),
                                         energy->rest_of_node_j.end(),
                                         [](float joules) { return std::isnan(joules); });
    CHECK(any_unknown ==
          (std::find(energy->flags.begin(), energy->flags.end(), "rest_of_node_partial") !=
           energy->flags.end()));
    CHECK(std::find(energy->flags.begin(), energy->flags.end(), "rest_of_node_implausible") ==
          energy->flags.end());
}

TEST_CASE("NodeMeter: a source with more domains than a ring holds is refused", "[worker][power]") {
    testing::FakeSysfs files;
    LocalRingMemory memory;
    const MeterSettings settings = testing::test_meter_settings(files, 0.1, 0.0);
    auto watts = std::make_shared<std::atomic<double>>(1.0);
    CHECK_THROWS_WITH(NodeMeter(std::make_unique<SteadySource>(watts, kMaxMeterDomains + 1),
                                SampleRing::create(memory.data()),
                                settings),
                      Catch::Contains("reports 9 domains; a meter holds 1 to 8"));
}

}  // namespace joulesweep::worker::power
