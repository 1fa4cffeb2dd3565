#include "joulesweep/worker/power/run_energy_recorder.hpp"

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

namespace joulesweep::worker::power {
namespace {

// A ring described as one package domain of `source`, with `idle_w` of baseline.
SampleRing one_package_ring(LocalRingMemory& memory,
                            PowerSourceKind source,
                            double idle_w,
                            double period_s) {
    SampleRing ring = SampleRing::create(memory.data());
    MeterDescription meter;
    meter.source = source;
    meter.domains = {"package-0"};
    meter.idle_w = {idle_w};
    meter.period_s = period_s;
    ring.describe(meter);
    return ring;
}

}  // namespace

TEST_CASE("RunEnergyRecorder: no meter on the node, no energy", "[worker][power]") {
    LocalRingMemory memory;
    const SampleRing ring = SampleRing::create(memory.data());
    RunEnergyRecorder recorder(ring, true);
    recorder.start_run(10);
    recorder.end_epoch();
    CHECK_FALSE(recorder.finish());
}

TEST_CASE("RunEnergyRecorder: attributes the samples around its marks, with train rows",
          "[worker][power]") {
    LocalRingMemory memory;
    SampleRing ring = one_package_ring(memory, PowerSourceKind::kPerf, 10.0, 0.01);
    RunEnergyRecorder recorder(ring, true);
    // The recorder's own marks fall between these, whatever the scheduler does.
    const RunMark before_start = mark_now();
    recorder.start_run(320);
    const RunMark start = mark_now();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const RunMark before_end = mark_now();
    recorder.end_epoch();
    const RunMark end = mark_now();
    // Samples at 50 W on both sides of the marks, written after them as a meter would.
    for (const std::int64_t offset : {-1000000000LL, 1000000000LL}) {
        EnergySample sample;
        sample.time_ns = (offset < 0 ? start.time_ns : end.time_ns) + offset;
        sample.energy_j.at(0) = 50.0 * static_cast<double>(sample.time_ns) * 1e-9;
        ring.append(sample);
    }
    const auto energy = recorder.finish();
    REQUIRE(energy);
    CHECK(energy->source == "perf");
    CHECK(energy->train_rows == 320);
    REQUIRE(energy->gross_j.at(0).size() == 1);
    const auto seconds = [](const RunMark& from, const RunMark& to) {
        return static_cast<double>(to.time_ns - from.time_ns) * 1e-9;
    };
    const double shortest_s = seconds(start, before_end);
    const double longest_s = seconds(before_start, end);
    CHECK(energy->gross_j[0][0] >= 50.0 * shortest_s * 0.9999);
    CHECK(energy->gross_j[0][0] <= 50.0 * longest_s * 1.0001);
    // Net is gross minus 10 W of idle power over the same time: 40/50 of it.
    CHECK(energy->net_j[0][0] == Approx(0.8 * energy->gross_j[0][0]).epsilon(1e-5));
    CHECK(energy->samples == 0);  // both samples lie outside the run
    CHECK(energy->largest_gap_s == Approx(2.0 + seconds(start, end)).margin(1e-6));
}

TEST_CASE("RunEnergyRecorder: a run longer than the ring keeps its first epochs",
          "[worker][power]") {
    // A meter sampling every microsecond at 50 W: the ring holds 8 ms of samples, and
    // the run's 40 epochs of about 2 ms take several laps of it.
    LocalRingMemory memory;
    SampleRing ring = one_package_ring(memory, PowerSourceKind::kRaplSysfs, 5.0, 1e-6);
    constexpr std::int64_t kStepNs = 1000;
    constexpr double kWatts = 50.0;
    std::int64_t next_ns = mark_now().time_ns;
    std::uint64_t appended = 0;
    const auto sample_until = [&](std::int64_t until_ns) {
        for (; next_ns <= until_ns; next_ns += kStepNs, ++appended) {
            EnergySample sample;
            sample.time_ns = next_ns;
            sample.energy_j.at(0) = kWatts * static_cast<double>(next_ns) * 1e-9;
            ring.append(sample);
        }
    };
    sample_until(mark_now().time_ns);
    RunEnergyRecorder recorder(ring, true);
    const RunMark before_start = mark_now();
    recorder.start_run(1);
    constexpr int kEpochs = 40;
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        sample_until(mark_now().time_ns);
        recorder.end_epoch();
    }
    const RunMark after_last = mark_now();
    sample_until(after_last.time_ns + kStepNs);
    REQUIRE(appended > 4 * kRingCapacity);

    const auto energy = recorder.finish();
    REQUIRE(energy);
    CHECK(energy->flags.empty());
    REQUIRE(energy->gross_j.at(0).size() == kEpochs);
    double total_j = 0.0;
    for (const float joules : energy->gross_j[0]) {
        CHECK(joules > 0.0F);  // an early epoch the ring lost would be 0 J
        total_j += joules;
    }
    const double longest_s = static_cast<double>(after_last.time_ns - before_start.time_ns) * 1e-9;
    CHECK(total_j <= kWatts * longest_s * 1.0001);
    CHECK(total_j >= kWatts * kEpochs * 2e-3 * 0.999);
    CHECK(energy->samples > static_cast<std::int64_t>(kRingCapacity));
}

}  // namespace joulesweep::worker::power
