#include "joulesweep/worker/power/epoch_attribution.hpp"

#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

namespace joulesweep::worker::power {
namespace {

constexpr std::int64_t kSecond = 1000000000;

// A node drawing `package_w` and `dram_w`, busy on `busy_cores` cores, sampled every
// `period_s` from t = 0 to `until_s`.
std::vector<EnergySample> steady_node(
    double package_w, double dram_w, double busy_cores, double period_s, double until_s) {
    std::vector<EnergySample> samples;
    const auto count = static_cast<int>(std::lround(until_s / period_s));
    for (int index = 0; index <= count; ++index) {
        const double t = index * period_s;
        EnergySample sample;
        sample.time_ns = static_cast<std::int64_t>(t * kSecond);
        sample.busy_cpu_s = busy_cores * t;
        sample.energy_j.at(0) = package_w * t;
        sample.energy_j.at(1) = dram_w * t;
        samples.push_back(sample);
    }
    return samples;
}

MeterDescription two_domains(std::vector<double> idle_w) {
    MeterDescription meter;
    meter.source = PowerSourceKind::kRaplSysfs;
    meter.domains = {"package-0", "dram-0"};
    meter.idle_w = std::move(idle_w);
    meter.period_s = 0.1;
    return meter;
}

RunMark at(double t, double own_cpu_s) {
    return RunMark{static_cast<std::int64_t>(t * kSecond), own_cpu_s};
}

bool has_flag(const common::RunEnergy& energy, const std::string& flag) {
    return std::find(energy.flags.begin(), energy.flags.end(), flag) != energy.flags.end();
}

}  // namespace

TEST_CASE("energy_between: interpolates the counters between samples", "[worker][power]") {
    const auto samples = steady_node(100.0, 10.0, 2.0, 0.1, 1.0);
    const IntervalEnergy interval = energy_between(samples, 2, kSecond / 4, kSecond * 3 / 4);
    CHECK(interval.covered);
    CHECK(interval.energy_j.at(0) == Approx(50.0));
    CHECK(interval.energy_j.at(1) == Approx(5.0));
    CHECK(interval.busy_cpu_s == Approx(1.0));
    CHECK(interval.samples_inside == 5);  // 0.3 .. 0.7
    CHECK(interval.largest_gap_s == Approx(0.1));

    // Beyond the last sample the counters are held: flagged, never extrapolated.
    const IntervalEnergy beyond = energy_between(samples, 2, kSecond / 2, 2 * kSecond);
    CHECK_FALSE(beyond.covered);
    CHECK(beyond.energy_j.at(0) == Approx(50.0));
    CHECK_FALSE(energy_between({}, 2, 0, kSecond).covered);
}

TEST_CASE("energy_between: the largest gap and the wraps of the samples spanning it",
          "[worker][power]") {
    auto samples = steady_node(100.0, 0.0, 1.0, 0.1, 2.0);
    // Drop the samples between 0.5 s and 1.5 s: a stalled meter.
    samples.erase(std::remove_if(samples.begin(),
                                 samples.end(),
                                 [](const EnergySample& sample) {
                                     return sample.time_ns > kSecond / 2 &&
                                            sample.time_ns < kSecond * 3 / 2;
                                 }),
                  samples.end());
    for (EnergySample& sample : samples) {
        sample.wraps = sample.time_ns >= kSecond * 3 / 2 ? 1 : 0;
    }
    const IntervalEnergy interval = energy_between(samples, 1, kSecond / 5, kSecond * 9 / 5);
    CHECK(interval.largest_gap_s == Approx(1.0));
    CHECK(interval.wraps == 1);
    CHECK(interval.energy_j.at(0) == Approx(160.0));  // linear across the gap
}

TEST_CASE("combine_intervals: adjacent intervals say what their union says", "[worker][power]") {
    auto samples = steady_node(100.0, 10.0, 1.0, 0.1, 3.0);
    for (EnergySample& sample : samples) {
        sample.wraps = sample.time_ns >= kSecond ? 1 : 0;
        sample.unknown_intervals = sample.time_ns >= 2 * kSecond ? 2 : 0;
    }
    // Boundaries between samples and one exactly on a sample (1.0 s), which is inside
    // the union but strictly inside neither part.
    const std::vector<std::int64_t> marks{kSecond / 4,
                                          kSecond * 7 / 10 + kSecond / 20,
                                          kSecond,
                                          kSecond * 21 / 10 + 1,
                                          kSecond * 11 / 4};
    std::vector<IntervalEnergy> parts;
    for (std::size_t index = 1; index < marks.size(); ++index) {
        parts.push_back(energy_between(samples, 2, marks[index - 1], marks[index]));
    }
    const IntervalEnergy whole = energy_between(samples, 2, marks.front(), marks.back());
    const IntervalEnergy combined = combine_intervals(parts, 2);
    CHECK(combined.energy_j.at(0) == Approx(whole.energy_j.at(0)));
    CHECK(combined.energy_j.at(1) == Approx(whole.energy_j.at(1)));
    CHECK(combined.busy_cpu_s == Approx(whole.busy_cpu_s));
    CHECK(combined.samples_inside == whole.samples_inside);
    CHECK(whole.samples_inside == 25);  // 0.3 .. 2.7
    CHECK(combined.largest_gap_s == Approx(whole.largest_gap_s));
    CHECK(combined.wraps == 1);
    CHECK(combined.unknown_intervals == 2);
    CHECK(combined.covered);
}

TEST_CASE("attribute_run: the only training rank of a node gets the node's energy",
          "[worker][power]") {
    const auto samples = steady_node(100.0, 10.0, 1.0, 0.1, 3.0);
    const std::vector<RunMark> ends{at(1.5, 1.0), at(2.5, 2.0)};
    const common::RunEnergy energy =
        attribute_run(samples, two_domains({40.0, 2.0}), at(0.5, 0.0), ends, true);
    CHECK(energy.source == "rapl_sysfs");
    CHECK(energy.attribution == "whole_node");
    CHECK(energy.domains == std::vector<std::string>{"package-0", "dram-0"});
    REQUIRE(energy.gross_j.size() == 2);
    CHECK(energy.gross_j[0] == std::vector<float>{100.0F, 100.0F});
    CHECK(energy.gross_j[1] == std::vector<float>{10.0F, 10.0F});
    // Net: minus idle power x 1 s per epoch.
    CHECK(energy.net_j[0].at(0) == Approx(60.0));
    CHECK(energy.net_j[1].at(1) == Approx(8.0));
    CHECK(energy.share == std::vector<float>{1.0F, 1.0F});
    CHECK(energy.idle_w == std::vector<float>{40.0F, 2.0F});
    CHECK(energy.samples == 19);  // strictly inside 0.5 .. 2.5 s
    CHECK(energy.flags.empty());
}

TEST_CASE("attribute_run: an epoch below the idle baseline is flagged negative_net, kept as is",
          "[worker][power]") {
    // A baseline taken on a busy node: 120 W idle against the 110 W the node draws.
    const auto samples = steady_node(100.0, 10.0, 1.0, 0.1, 3.0);
    const std::vector<RunMark> ends{at(1.5, 1.0), at(2.5, 2.0)};
    const common::RunEnergy energy =
        attribute_run(samples, two_domains({115.0, 5.0}), at(0.5, 0.0), ends, true);
    CHECK(has_flag(energy, "negative_net"));
    CHECK(energy.net_j[0].at(0) == Approx(-15.0));  // stored as measured, not clamped
    CHECK(energy.net_j[1].at(0) == Approx(5.0));
    CHECK(common::negative_net_epochs(energy) == 2);  // summed over the domains: -10 J
    // Below the draw: positive, and no flag.
    const common::RunEnergy honest =
        attribute_run(samples, two_domains({95.0, 5.0}), at(0.5, 0.0), ends, true);
    CHECK_FALSE(has_flag(honest, "negative_net"));
    CHECK(common::negative_net_epochs(honest) == 0);
}

TEST_CASE("attribute_run: on a shared node each run gets its CPU-time share, flagged",
          "[worker][power]") {
    // 4 busy cores; this rank used 1 CPU-second per second: a quarter of the node.
    const auto samples = steady_node(200.0, 20.0, 4.0, 0.1, 3.0);
    const std::vector<RunMark> ends{at(1.0, 1.0), at(2.0, 2.0)};
    const common::RunEnergy energy =
        attribute_run(samples, two_domains({80.0, 4.0}), at(0.0, 0.0), ends, false);
    CHECK(energy.attribution == "cpu_time_share");
    CHECK(has_flag(energy, "shared_node"));
    CHECK(energy.share.at(0) == Approx(0.25));
    CHECK(energy.gross_j[0].at(0) == Approx(50.0));
    CHECK(energy.gross_j[1].at(1) == Approx(5.0));
    CHECK(energy.net_j[0].at(0) == Approx(0.25 * (200.0 - 80.0)));
}

TEST_CASE("attribute_run: a share is clamped to 1, and short epochs take the run's share",
          "[worker][power]") {
    const auto samples = steady_node(100.0, 0.0, 1.0, 0.01, 2.0);
    // Epoch 1: 1 s of node CPU, 1.5 s own (tick rounding): clamped. Epoch 2: 0.05 s of
    // node CPU, below kShortestShareBasisS: the run's share, 1.55/1.05 clamped to 1.
    const std::vector<RunMark> ends{at(1.0, 1.5), at(1.05, 1.55)};
    MeterDescription meter = two_domains({});
    meter.domains = {"package-0"};
    meter.period_s = 0.01;
    const common::RunEnergy energy = attribute_run(samples, meter, at(0.0, 0.0), ends, false);
    CHECK(energy.share == std::vector<float>{1.0F, 1.0F});
    CHECK(has_flag(energy, "no_baseline"));
    CHECK(energy.net_j == energy.gross_j);

    const std::vector<RunMark> halves{at(1.0, 0.5), at(1.05, 0.525)};
    const common::RunEnergy half = attribute_run(samples, meter, at(0.0, 0.0), halves, false);
    CHECK(half.share.at(1) == Approx(0.5));
    CHECK(half.gross_j[0].at(1) == Approx(0.5 * 5.0));
}

TEST_CASE("attribute_run: an estimate, a VM, gaps and short epochs are all said",
          "[worker][power]") {
    auto samples = steady_node(50.0, 0.0, 1.0, 0.5, 1.0);
    samples.back().unknown_intervals = 1;
    MeterDescription meter = two_domains({});
    meter.source = PowerSourceKind::kEstimate;
    meter.domains = {"cpu-time"};
    meter.period_s = 0.5;
    meter.under_hypervisor = true;
    const std::vector<RunMark> ends{at(0.2, 0.1), at(1.5, 1.0)};  // the last beyond the samples
    const common::RunEnergy energy = attribute_run(samples, meter, at(0.0, 0.0), ends, true);
    for (const char* flag : {"estimate",
                             "no_baseline",
                             "vm",
                             "uncovered",
                             "epochs_shorter_than_period",
                             "unknown_intervals"}) {
        CHECK(has_flag(energy, flag));
    }
    CHECK(energy.source == "estimate");
    CHECK(energy.unknown_intervals == 1);
    CHECK(energy.gross_j[0].at(0) == Approx(10.0));

    // No epochs: a description and no numbers.
    const common::RunEnergy empty = attribute_run(samples, meter, at(0.0, 0.0), {}, true);
    CHECK(empty.gross_j.at(0).empty());
    CHECK(empty.share.empty());
}

}  // namespace joulesweep::worker::power

namespace joulesweep::worker::power {
namespace {

// steady_node() with a wall meter drawing `wall_w`, read 0.05 s past every whole second
// up to `last_read_s`: each sample carries the newest read, as the meter writes them
// (none yet at t = 0).
std::vector<EnergySample> with_wall(std::vector<EnergySample> samples,
                                    double wall_w,
                                    double last_read_s) {
    constexpr double kReadOffsetS = 0.05;
    for (EnergySample& sample : samples) {
        const double t = static_cast<double>(sample.time_ns) / kSecond;
        if (t < kReadOffsetS) {
            continue;
        }
        const double read_s =
            std::min(std::floor(t - kReadOffsetS + 1e-9) + kReadOffsetS, last_read_s);
        sample.wall_time_ns = static_cast<std::int64_t>(std::lround(read_s * kSecond));
        sample.wall_energy_j = wall_w * read_s;
    }
    return samples;
}

MeterDescription rapl_with_wall() {
    MeterDescription meter = two_domains({0.0, 0.0});
    meter.wall_source = PowerSourceKind::kIpmiDcmi;
    return meter;
}

}  // namespace

TEST_CASE("attribute_run: the rest of the node is the wall's energy minus the domains'",
          "[worker][power]") {
    // 100 W package and 10 W DRAM under a 150 W wall: 40 W for the rest of the node.
    const auto samples = with_wall(steady_node(100.0, 10.0, 1.0, 0.1, 3.5), 150.0, 3.05);
    const std::vector<RunMark> ends{at(1.5, 1.0), at(2.5, 2.0)};
    const common::RunEnergy energy =
        attribute_run(samples, rapl_with_wall(), at(0.5, 0.0), ends, true);
    CHECK(energy.wall_source == "ipmi_dcmi");
    REQUIRE(energy.rest_of_node_j.size() == 2);
    CHECK(energy.rest_of_node_j[0] == Approx(40.0));
    CHECK(energy.rest_of_node_j[1] == Approx(40.0));
    CHECK_FALSE(has_flag(energy, "rest_of_node_partial"));
    CHECK_FALSE(has_flag(energy, "rest_of_node_implausible"));

    // An epoch past the wall's last read has no rest of the node: NaN, flagged.
    const std::vector<RunMark> beyond{at(1.5, 1.0), at(3.2, 2.0)};
    const common::RunEnergy partial =
        attribute_run(samples, rapl_with_wall(), at(0.5, 0.0), beyond, true);
    CHECK(partial.rest_of_node_j[0] == Approx(40.0));
    CHECK(std::isnan(partial.rest_of_node_j[1]));
    CHECK(has_flag(partial, "rest_of_node_partial"));

    // On a shared node the rest is split as the domains are.
    const common::RunEnergy shared = attribute_run(
        samples, rapl_with_wall(), at(0.5, 0.0), {at(1.5, 0.25), at(2.5, 0.5)}, false);
    CHECK(shared.rest_of_node_j[0] == Approx(0.25 * 40.0));
}

TEST_CASE("attribute_run: a wall below the domains is implausible, an unknown read unknown",
          "[worker][power]") {
    const std::vector<RunMark> ends{at(1.5, 1.0), at(2.5, 2.0)};
    const auto under_wall = [&ends](double wall_w) {
        return attribute_run(with_wall(steady_node(100.0, 10.0, 1.0, 0.1, 3.5), wall_w, 3.05),
                             rapl_with_wall(),
                             at(0.5, 0.0),
                             ends,
                             true);
    };
    // 100 W under the domains' 110 W: 10 W short, beyond 5% of the wall.
    const common::RunEnergy below = under_wall(100.0);
    CHECK(below.rest_of_node_j[0] == Approx(-10.0));
    CHECK(has_flag(below, "rest_of_node_implausible"));
    // 108 W: 2 W short, within the tolerance for once-a-second reads.
    const common::RunEnergy close = under_wall(108.0);
    CHECK_FALSE(has_flag(close, "rest_of_node_implausible"));

    // The read at 2.05 s covers an unknown interval (1.05 s, 2.05 s]: both epochs touch it.
    auto samples = with_wall(steady_node(100.0, 10.0, 1.0, 0.1, 3.5), 150.0, 3.05);
    for (EnergySample& sample : samples) {
        sample.wall_unknown_intervals = sample.wall_time_ns >= 2 * kSecond ? 1 : 0;  // from 2.05 s
    }
    const common::RunEnergy unknown =
        attribute_run(samples, rapl_with_wall(), at(0.5, 0.0), ends, true);
    CHECK(std::isnan(unknown.rest_of_node_j[0]));
    CHECK(std::isnan(unknown.rest_of_node_j[1]));
    const common::RunEnergy after =
        attribute_run(samples, rapl_with_wall(), at(2.1, 0.0), {at(3.0, 1.0)}, true);
    CHECK(after.rest_of_node_j[0] == Approx(0.9 * 40.0));

    // Without a wall meter: nothing about the rest of the node.
    const common::RunEnergy alone =
        attribute_run(samples, two_domains({}), at(0.5, 0.0), ends, true);
    CHECK(alone.wall_source.empty());
    CHECK(alone.rest_of_node_j.empty());
}

}  // namespace joulesweep::worker::power
