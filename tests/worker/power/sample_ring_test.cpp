#include "joulesweep/worker/power/sample_ring.hpp"

#include <memory>
#include <thread>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

EnergySample sample_at(std::int64_t time_ns, double joules) {
    EnergySample sample;
    sample.time_ns = time_ns;
    sample.busy_cpu_s = static_cast<double>(time_ns) * 1e-9;
    sample.energy_j.at(0) = joules;
    return sample;
}

}  // namespace

TEST_CASE("SampleRing: a description is seen only once written, by every view of the memory",
          "[worker][power]") {
    LocalRingMemory memory;
    SampleRing writer = SampleRing::create(memory.data());
    const SampleRing reader = SampleRing::attach(memory.data());
    CHECK_FALSE(reader.description());
    CHECK_FALSE(reader.newest_time_ns());
    CHECK(reader.covering(0, 10).empty());
    MeterDescription description;
    description.source = PowerSourceKind::kRaplSysfs;
    description.domains = {"package-0", "dram-0"};
    description.idle_w = {41.5, 3.25};
    description.unit_j = {1e-6, 1.52587890625e-05};
    description.period_s = 0.05;
    description.under_hypervisor = true;
    description.wall_source = PowerSourceKind::kIpmiSensor;
    writer.describe(description);
    const auto seen = reader.description();
    REQUIRE(seen);
    CHECK(seen->source == PowerSourceKind::kRaplSysfs);
    CHECK(seen->domains == description.domains);
    CHECK(seen->idle_w == description.idle_w);
    CHECK(seen->unit_j == description.unit_j);
    CHECK(seen->period_s == 0.05);
    CHECK(seen->under_hypervisor);
    CHECK(seen->wall_source == PowerSourceKind::kIpmiSensor);

    description.idle_w.clear();  // no baseline stays "no baseline", not zeros
    writer.describe(description);
    CHECK(reader.description()->idle_w.empty());
}

TEST_CASE("SampleRing: no run begins while the idle window is open, which closes on a new baseline",
          "[worker][power]") {
    LocalRingMemory memory;
    SampleRing writer = SampleRing::create(memory.data());
    const SampleRing rank = SampleRing::attach(memory.data());
    MeterDescription description;
    description.domains = {"package-0", "dram-0"};
    description.idle_w = {40.0, 3.0};
    writer.describe(description);

    REQUIRE(rank.try_begin_run());
    writer.open_idle_window();
    CHECK_FALSE(writer.node_idle());  // the run in progress goes on
    CHECK_FALSE(rank.try_begin_run());
    CHECK_FALSE(writer.node_idle());  // a refused run does not count
    rank.end_run();
    CHECK(writer.node_idle());
    writer.close_idle_window({44.0, 3.5});
    CHECK(rank.description()->idle_w == std::vector<double>{44.0, 3.5});
    REQUIRE(rank.try_begin_run());
    CHECK_FALSE(writer.node_idle());
    rank.end_run();
}

TEST_CASE("SampleRing: too many or no domains are refused", "[worker][power]") {
    LocalRingMemory memory;
    SampleRing ring = SampleRing::create(memory.data());
    MeterDescription description;
    CHECK_THROWS_AS(ring.describe(description), common::PowerError);
    description.domains.assign(kMaxMeterDomains + 1, "package");
    CHECK_THROWS_WITH(ring.describe(description), Catch::Contains("1 to 8 domains"));
}

TEST_CASE("SampleRing: covering() returns the samples that bracket an interval",
          "[worker][power]") {
    LocalRingMemory memory;
    SampleRing ring = SampleRing::create(memory.data());
    for (int index = 0; index < 10; ++index) {
        ring.append(sample_at(std::int64_t{index} * 100, index * 2.0));  // every 100 ns
    }
    CHECK(ring.newest_time_ns() == 900);
    const auto times = [](const std::vector<EnergySample>& samples) {
        std::vector<std::int64_t> result;
        result.reserve(samples.size());
        for (const EnergySample& sample : samples) {
            result.push_back(sample.time_ns);
        }
        return result;
    };
    CHECK(times(ring.covering(250, 420)) == std::vector<std::int64_t>{200, 300, 400, 500});
    CHECK(times(ring.covering(300, 400)) == std::vector<std::int64_t>{300, 400});
    CHECK(times(ring.covering(-50, 50)) == std::vector<std::int64_t>{0, 100});
    CHECK(times(ring.covering(850, 2000)) == std::vector<std::int64_t>{800, 900});
    CHECK(ring.covering(250, 420).front().energy_j.at(0) == 4.0);
    // The wall meter's read travels with each sample.
    EnergySample walled = sample_at(1000, 30.0);
    walled.wall_time_ns = 950;
    walled.wall_energy_j = 12.5;
    walled.wall_unknown_intervals = 2;
    ring.append(walled);
    const EnergySample back = ring.covering(1000, 1000).back();
    CHECK(back.wall_time_ns == 950);
    CHECK(back.wall_energy_j == 12.5);
    CHECK(back.wall_unknown_intervals == 2);
}

TEST_CASE("SampleRing: once full, the oldest samples are overwritten and never returned torn",
          "[worker][power]") {
    LocalRingMemory memory;
    SampleRing ring = SampleRing::create(memory.data());
    const auto total = static_cast<std::int64_t>(kRingCapacity) + 100;
    for (std::int64_t index = 0; index < total; ++index) {
        ring.append(sample_at(index, static_cast<double>(index)));
    }
    const std::vector<EnergySample> all = ring.covering(0, total);
    REQUIRE_FALSE(all.empty());
    CHECK(all.front().time_ns > 100);  // the first 100 are gone, and the slot being reused too
    CHECK(all.back().time_ns == total - 1);
    for (std::size_t index = 1; index < all.size(); ++index) {
        CHECK(all[index].time_ns == all[index - 1].time_ns + 1);
    }
}

TEST_CASE("SampleRing: a reader racing the writer sees only whole, ordered samples",
          "[worker][power]") {
    LocalRingMemory memory;
    SampleRing ring = SampleRing::create(memory.data());
    const SampleRing reader = SampleRing::attach(memory.data());
    constexpr std::int64_t kSamples = 200000;
    std::thread writer([&ring] {
        for (std::int64_t index = 1; index <= kSamples; ++index) {
            ring.append(sample_at(index, static_cast<double>(index) * 3.0));
        }
    });
    std::int64_t checked = 0;
    while (reader.newest_time_ns().value_or(0) < kSamples) {
        const std::int64_t newest = reader.newest_time_ns().value_or(0);
        // From the oldest kept slot: the ones the writer is about to reuse.
        const auto oldest = newest - static_cast<std::int64_t>(kRingCapacity);
        for (const EnergySample& sample : reader.covering(oldest, newest)) {
            REQUIRE(sample.energy_j.at(0) == static_cast<double>(sample.time_ns) * 3.0);
            ++checked;
        }
    }
    writer.join();
    CHECK(checked > 0);
}

}  // namespace joulesweep::worker::power
