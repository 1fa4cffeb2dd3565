#include "joulesweep/worker/power/epoch_attribution.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace joulesweep::worker::power {
namespace {

constexpr double kNsPerS = 1e9;

double seconds(std::int64_t nanoseconds) {
    return static_cast<double>(nanoseconds) / kNsPerS;
}

// A sample's cumulative values at `time_ns`, linear between the two samples around it,
// or held at the first or last one outside them.
struct Interpolated {
    std::vector<double> energy_j;
    double busy_cpu_s = 0.0;
    bool inside = true;
};

Interpolated at(const std::vector<EnergySample>& samples, std::size_t domains, std::int64_t time) {
    Interpolated value;
    const auto after = std::lower_bound(
        samples.begin(), samples.end(), time, [](const EnergySample& sample, std::int64_t t) {
            return sample.time_ns < t;
        });
    const EnergySample* low = nullptr;
    const EnergySample* high = nullptr;
    double weight = 0.0;
    if (after == samples.end()) {
        low = high = &samples.back();
        value.inside = false;
    } else if (after->time_ns == time || after == samples.begin()) {
        low = high = &*after;
        value.inside = after->time_ns == time;
    } else {
        high = &*after;
        low = &*(after - 1);
        weight = static_cast<double>(time - low->time_ns) /
                 static_cast<double>(high->time_ns - low->time_ns);
    }
    const auto lerp = [weight](double a, double b) {
        return a + (weight * (b - a));
    };
    for (std::size_t domain = 0; domain < domains; ++domain) {
        value.energy_j.push_back(lerp(low->energy_j.at(domain), high->energy_j.at(domain)));
    }
    value.busy_cpu_s = lerp(low->busy_cpu_s, high->busy_cpu_s);
    return value;
}

// The wall meter's cumulative energy at `time`, linear between its two reads around it,
// and their counts of unknown intervals. Samples repeat the newest read, so its times
// never decrease.
struct WallPoint {
    double energy_j = 0.0;
    std::int64_t unknown_before = 0;  // at the read at or before `time`
    std::int64_t unknown_after = 0;   // at the read at or after it
};

std::optional<WallPoint> wall_at(const std::vector<EnergySample>& samples, std::int64_t time) {
    const auto after = std::lower_bound(
        samples.begin(), samples.end(), time, [](const EnergySample& sample, std::int64_t t) {
            return sample.wall_time_ns < t;
        });
    if (after == samples.end() || after->wall_time_ns == 0) {
        return std::nullopt;
    }
    if (after->wall_time_ns == time) {
        return WallPoint{
            after->wall_energy_j, after->wall_unknown_intervals, after->wall_unknown_intervals};
    }
    if (after == samples.begin() || (after - 1)->wall_time_ns == 0) {
        return std::nullopt;
    }
    const EnergySample& low = *(after - 1);
    const double weight = static_cast<double>(time - low.wall_time_ns) /
                          static_cast<double>(after->wall_time_ns - low.wall_time_ns);
    return WallPoint{low.wall_energy_j + (weight * (after->wall_energy_j - low.wall_energy_j)),
                     low.wall_unknown_intervals,
                     after->wall_unknown_intervals};
}

void add_flag(common::RunEnergy& energy, const char* flag) {
    if (std::find(energy.flags.begin(), energy.flags.end(), flag) == energy.flags.end()) {
        energy.flags.emplace_back(flag);
    }
}

// What every run measured by this meter shares: a model, a split, no baseline, a VM.
// The flags that follow from the run's own numbers.
void add_run_flags(common::RunEnergy& energy) {
    if (energy.unknown_intervals > 0) {
        add_flag(energy, "unknown_intervals");
    }
    if (common::negative_net_epochs(energy) > 0) {
        // The node drew less than its idle baseline: the baseline was too high (measured
        // on a busy node, or idle power drifted). The epoch's net joules are kept as they are.
        add_flag(energy, "negative_net");
    }
}

void add_meter_flags(common::RunEnergy& energy, const MeterDescription& meter, bool whole_node) {
    if (meter.source == PowerSourceKind::kEstimate) {
        add_flag(energy, "estimate");
    }
    if (!whole_node) {
        add_flag(energy, "shared_node");
    }
    if (meter.idle_w.empty()) {
        add_flag(energy, "no_baseline");
    }
    if (meter.under_hypervisor) {
        add_flag(energy, "vm");
    }
}

// The wall's energy minus the domains' per epoch, in the epoch's share; NaN where the
// wall's reads do not reach.
void add_rest_of_node(common::RunEnergy& energy,
                      const std::vector<IntervalEnergy>& node_epochs,
                      PowerSourceKind wall_source) {
    energy.wall_source = std::string(to_text(wall_source));
    double wall_j = 0.0;
    double rest_j = 0.0;
    for (std::size_t epoch = 0; epoch < node_epochs.size(); ++epoch) {
        const IntervalEnergy& interval = node_epochs[epoch];
        if (!interval.wall_j) {
            energy.rest_of_node_j.push_back(std::numeric_limits<float>::quiet_NaN());
            add_flag(energy, "rest_of_node_partial");
            continue;
        }
        double domains_j = 0.0;
        for (const double joules : interval.energy_j) {
            domains_j += joules;
        }
        energy.rest_of_node_j.push_back(
            static_cast<float>(energy.share.at(epoch) * (*interval.wall_j - domains_j)));
        wall_j += *interval.wall_j;
        rest_j += *interval.wall_j - domains_j;
    }
    // The node cannot draw less than its CPUs and DRAM.
    if (rest_j < -kRestOfNodeTolerance * std::max(wall_j, 0.0)) {
        add_flag(energy, "rest_of_node_implausible");
    }
}

}  // namespace

IntervalEnergy energy_between(const std::vector<EnergySample>& samples,
                              std::size_t domains,
                              std::int64_t from_ns,
                              std::int64_t to_ns) {
    IntervalEnergy interval;
    if (samples.empty()) {
        interval.energy_j.assign(domains, 0.0);
        interval.covered = false;
        return interval;
    }
    const Interpolated start = at(samples, domains, from_ns);
    const Interpolated end = at(samples, domains, to_ns);
    interval.covered = start.inside && end.inside;
    for (std::size_t domain = 0; domain < domains; ++domain) {
        interval.energy_j.push_back(end.energy_j[domain] - start.energy_j[domain]);
    }
    interval.busy_cpu_s = end.busy_cpu_s - start.busy_cpu_s;
    const std::optional<WallPoint> wall_start = wall_at(samples, from_ns);
    const std::optional<WallPoint> wall_end = wall_at(samples, to_ns);
    if (wall_start && wall_end && wall_end->unknown_after == wall_start->unknown_before) {
        interval.wall_j = wall_end->energy_j - wall_start->energy_j;
    }
    // Sample i and the one before it span part of the interval when i is at least the
    // first after `from` and at most the first at or after `to`.
    const auto first_after_from = static_cast<std::size_t>(
        std::upper_bound(
            samples.begin(),
            samples.end(),
            from_ns,
            [](std::int64_t time, const EnergySample& sample) { return time < sample.time_ns; }) -
        samples.begin());
    const auto first_from_to = static_cast<std::size_t>(
        std::lower_bound(
            samples.begin(),
            samples.end(),
            to_ns,
            [](const EnergySample& sample, std::int64_t time) { return sample.time_ns < time; }) -
        samples.begin());
    if (first_from_to > first_after_from) {
        interval.samples_inside = static_cast<std::int64_t>(first_from_to - first_after_from);
    }
    interval.sample_at_to =
        first_from_to < samples.size() && samples[first_from_to].time_ns == to_ns;
    const std::size_t first_pair_end = std::max<std::size_t>(first_after_from, 1);
    const std::size_t last_pair_end = std::min(first_from_to, samples.size() - 1);
    if (first_pair_end > last_pair_end) {
        return interval;
    }
    for (std::size_t index = first_pair_end; index <= last_pair_end; ++index) {
        interval.largest_gap_s = std::max(
            interval.largest_gap_s, seconds(samples[index].time_ns - samples[index - 1].time_ns));
    }
    const EnergySample& first = samples[first_pair_end - 1];
    const EnergySample& last = samples[last_pair_end];
    interval.opening = SampleCounts{first.wraps, first.unknown_intervals};
    interval.closing = SampleCounts{last.wraps, last.unknown_intervals};
    interval.wraps = last.wraps - first.wraps;
    interval.unknown_intervals = last.unknown_intervals - first.unknown_intervals;
    return interval;
}

IntervalEnergy combine_intervals(const std::vector<IntervalEnergy>& intervals,
                                 std::size_t domains) {
    IntervalEnergy whole;
    whole.energy_j.assign(domains, 0.0);
    for (std::size_t index = 0; index < intervals.size(); ++index) {
        const IntervalEnergy& part = intervals[index];
        for (std::size_t domain = 0; domain < domains; ++domain) {
            whole.energy_j[domain] += part.energy_j.at(domain);
        }
        whole.busy_cpu_s += part.busy_cpu_s;
        // A sample exactly at a boundary between two parts is inside the whole.
        const bool inner_boundary = index + 1 < intervals.size();
        whole.samples_inside += part.samples_inside + (inner_boundary && part.sample_at_to ? 1 : 0);
        whole.largest_gap_s = std::max(whole.largest_gap_s, part.largest_gap_s);
        whole.covered = whole.covered && part.covered;
        whole.opening = whole.opening ? whole.opening : part.opening;
        whole.closing = part.closing ? part.closing : whole.closing;
    }
    if (!intervals.empty()) {
        whole.sample_at_to = intervals.back().sample_at_to;
    }
    if (whole.opening && whole.closing) {
        whole.wraps = whole.closing->wraps - whole.opening->wraps;
        whole.unknown_intervals =
            whole.closing->unknown_intervals - whole.opening->unknown_intervals;
    }
    return whole;
}

common::RunEnergy attribute_run(const std::vector<EnergySample>& samples,
                                const MeterDescription& meter,
                                const RunMark& start,
                                const std::vector<RunMark>& epoch_ends,
                                bool whole_node) {
    std::vector<IntervalEnergy> node_epochs;
    node_epochs.reserve(epoch_ends.size());
    RunMark previous = start;
    for (const RunMark& end : epoch_ends) {
        node_epochs.push_back(
            energy_between(samples, meter.domains.size(), previous.time_ns, end.time_ns));
        previous = end;
    }
    return attribute_epochs(node_epochs, meter, start, epoch_ends, whole_node);
}

common::RunEnergy attribute_epochs(const std::vector<IntervalEnergy>& node_epochs,
                                   const MeterDescription& meter,
                                   const RunMark& start,
                                   const std::vector<RunMark>& epoch_ends,
                                   bool whole_node) {
    const std::size_t domains = meter.domains.size();
    common::RunEnergy energy;
    energy.source = std::string(to_text(meter.source));
    energy.attribution = whole_node ? "whole_node" : "cpu_time_share";
    energy.domains = meter.domains;
    energy.period_s = meter.period_s;
    energy.gross_j.resize(domains);
    energy.net_j.resize(domains);
    for (std::size_t domain = 0; domain < domains; ++domain) {
        energy.idle_w.push_back(meter.idle_w.empty() ? 0.0F
                                                     : static_cast<float>(meter.idle_w.at(domain)));
        energy.unit_j.push_back(meter.unit_j.empty() ? 0.0 : meter.unit_j.at(domain));
    }
    add_meter_flags(energy, meter, whole_node);
    if (epoch_ends.empty()) {
        return energy;
    }
    const RunMark& last = epoch_ends.back();
    const IntervalEnergy run = combine_intervals(node_epochs, domains);
    energy.samples = run.samples_inside;
    energy.largest_gap_s = run.largest_gap_s;
    energy.wraps = run.wraps;
    energy.unknown_intervals = run.unknown_intervals;
    const double run_share =
        run.busy_cpu_s > 0.0
            ? std::clamp((last.own_cpu_s - start.own_cpu_s) / run.busy_cpu_s, 0.0, 1.0)
            : 1.0;
    RunMark previous = start;
    for (std::size_t index = 0; index < epoch_ends.size(); ++index) {
        const RunMark& end = epoch_ends[index];
        const IntervalEnergy& epoch = node_epochs.at(index);
        const double elapsed_s = seconds(end.time_ns - previous.time_ns);
        double share = 1.0;
        if (!whole_node) {
            share =
                epoch.busy_cpu_s >= kShortestShareBasisS
                    ? std::clamp((end.own_cpu_s - previous.own_cpu_s) / epoch.busy_cpu_s, 0.0, 1.0)
                    : run_share;
        }
        energy.share.push_back(static_cast<float>(share));
        for (std::size_t domain = 0; domain < domains; ++domain) {
            const double idle_j = (meter.idle_w.empty() ? 0.0 : meter.idle_w[domain]) * elapsed_s;
            energy.gross_j[domain].push_back(static_cast<float>(share * epoch.energy_j[domain]));
            energy.net_j[domain].push_back(
                static_cast<float>(share * (epoch.energy_j[domain] - idle_j)));
        }
        if (!epoch.covered) {
            add_flag(energy, "uncovered");
        }
        if (elapsed_s < meter.period_s) {
            add_flag(energy, "epochs_shorter_than_period");
        }
        previous = end;
    }
    add_run_flags(energy);
    if (meter.wall_source) {
        add_rest_of_node(energy, node_epochs, *meter.wall_source);
    }
    return energy;
}

}  // namespace joulesweep::worker::power
