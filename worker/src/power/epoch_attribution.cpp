#include "joulesweep/worker/power/epoch_attribution.hpp"

#include <algorithm>
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

void add_flag(common::RunEnergy& energy, const char* flag) {
    if (std::find(energy.flags.begin(), energy.flags.end(), flag) == energy.flags.end()) {
        energy.flags.emplace_back(flag);
    }
}

// What every run measured by this meter shares: a model, a split, no baseline, a VM.
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
    // The samples that bound or fall inside the interval.
    const EnergySample* previous = nullptr;
    const EnergySample* first = nullptr;
    const EnergySample* last = nullptr;
    for (const EnergySample& sample : samples) {
        const bool inside = sample.time_ns > from_ns && sample.time_ns < to_ns;
        interval.samples_inside += inside ? 1 : 0;
        const bool relevant =
            previous != nullptr && sample.time_ns > from_ns && previous->time_ns < to_ns;
        if (relevant) {
            interval.largest_gap_s =
                std::max(interval.largest_gap_s, seconds(sample.time_ns - previous->time_ns));
            first = first == nullptr ? previous : first;
            last = &sample;
        }
        previous = &sample;
    }
    if (first != nullptr) {
        interval.wraps = last->wraps - first->wraps;
        interval.unknown_intervals = last->unknown_intervals - first->unknown_intervals;
    }
    return interval;
}

common::RunEnergy attribute_run(const std::vector<EnergySample>& samples,
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
    }
    add_meter_flags(energy, meter, whole_node);
    if (epoch_ends.empty()) {
        return energy;
    }
    const RunMark& last = epoch_ends.back();
    const IntervalEnergy run = energy_between(samples, domains, start.time_ns, last.time_ns);
    energy.samples = run.samples_inside;
    energy.largest_gap_s = run.largest_gap_s;
    energy.wraps = run.wraps;
    energy.unknown_intervals = run.unknown_intervals;
    const double run_share =
        run.busy_cpu_s > 0.0
            ? std::clamp((last.own_cpu_s - start.own_cpu_s) / run.busy_cpu_s, 0.0, 1.0)
            : 1.0;
    RunMark previous = start;
    for (const RunMark& end : epoch_ends) {
        const IntervalEnergy epoch =
            energy_between(samples, domains, previous.time_ns, end.time_ns);
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
    if (energy.unknown_intervals > 0) {
        add_flag(energy, "unknown_intervals");
    }
    return energy;
}

}  // namespace joulesweep::worker::power
