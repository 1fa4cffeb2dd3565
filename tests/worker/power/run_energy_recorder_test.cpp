#include "joulesweep/worker/power/run_energy_recorder.hpp"

#include <cstdint>

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

// The recorder's marks from a clock the test moves: no sleeps, exact epochs.
class ManualMarks {
public:
    RunMark now() const { return RunMark{time_ns_, cpu_s_}; }

    void advance(std::int64_t ns) {
        time_ns_ += ns;
        cpu_s_ += static_cast<double>(ns) * 1e-9;  // a fully busy training rank
    }

    MarkSource source() {
        return [this] {
            return now();
        };
    }

private:
    std::int64_t time_ns_ = 5'000'000'000'000;  // any steady-clock time
    double cpu_s_ = 1.0;
};

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
    ManualMarks marks;
    RunEnergyRecorder recorder(ring, true, marks.source());
    recorder.start_run(320);
    const RunMark start = marks.now();
    marks.advance(50'000'000);  // a 50 ms epoch
    recorder.end_epoch();
    const RunMark end = marks.now();
    // Samples at 50 W a second either side of the run, written after it as a meter would.
    for (const std::int64_t time_ns :
         {start.time_ns - 1'000'000'000, end.time_ns + 1'000'000'000}) {
        EnergySample sample;
        sample.time_ns = time_ns;
        sample.energy_j.at(0) = 50.0 * static_cast<double>(time_ns) * 1e-9;
        ring.append(sample);
    }
    const auto energy = recorder.finish();
    REQUIRE(energy);
    CHECK(energy->source == "perf");
    CHECK(energy->train_rows == 320);
    REQUIRE(energy->gross_j.at(0).size() == 1);
    CHECK(energy->gross_j[0][0] == Approx(50.0 * 0.05).epsilon(1e-4));
    // Net is gross minus 10 W of idle power over the same time: 40/50 of it.
    CHECK(energy->net_j[0][0] == Approx(40.0 * 0.05).epsilon(1e-4));
    CHECK(energy->samples == 0);  // both samples lie outside the run
    CHECK(energy->largest_gap_s == Approx(2.05).margin(1e-6));
}

TEST_CASE("RunEnergyRecorder: a run longer than the ring keeps its first epochs",
          "[worker][power]") {
    // A meter sampling every microsecond at 50 W: the ring holds 8 ms of samples, and
    // the run's 40 epochs of 2 ms take several laps of it.
    LocalRingMemory memory;
    SampleRing ring = one_package_ring(memory, PowerSourceKind::kRaplSysfs, 5.0, 1e-6);
    constexpr std::int64_t kStepNs = 1000;
    constexpr std::int64_t kEpochNs = 2'000'000;
    constexpr double kWatts = 50.0;
    ManualMarks marks;
    std::int64_t next_ns = marks.now().time_ns - kEpochNs;
    std::uint64_t appended = 0;
    const auto sample_until = [&](std::int64_t until_ns) {
        for (; next_ns <= until_ns; next_ns += kStepNs, ++appended) {
            EnergySample sample;
            sample.time_ns = next_ns;
            sample.energy_j.at(0) = kWatts * static_cast<double>(next_ns) * 1e-9;
            ring.append(sample);
        }
    };
    sample_until(marks.now().time_ns);
    RunEnergyRecorder recorder(ring, true, marks.source());
    recorder.start_run(1);
    constexpr int kEpochs = 40;
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
        marks.advance(kEpochNs);
        sample_until(marks.now().time_ns);
        recorder.end_epoch();
    }
    sample_until(marks.now().time_ns + kStepNs);
    REQUIRE(appended > 4 * kRingCapacity);

    const auto energy = recorder.finish();
    REQUIRE(energy);
    CHECK(energy->flags.empty());
    REQUIRE(energy->gross_j.at(0).size() == kEpochs);
    for (const float joules : energy->gross_j[0]) {
        // Every epoch, the ones the ring has long overwritten included: 50 W for 2 ms.
        CHECK(joules == Approx(kWatts * 2e-3).epsilon(1e-3));
    }
    CHECK(energy->samples > static_cast<std::int64_t>(kRingCapacity));
}

}  // namespace joulesweep::worker::power
