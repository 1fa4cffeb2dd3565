#include "joulesweep/worker/power/node_meter.hpp"

#include <algorithm>
#include <ctime>
#include <exception>
#include <iostream>
#include <utility>

#include <fmt/format.h>
#include <pthread.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/power/cpu_time_estimate_source.hpp"
#include "joulesweep/worker/power/epoch_attribution.hpp"

namespace joulesweep::worker::power {
namespace {

constexpr double kShortestPeriodS = 1e-3;
// A BMC updates its reading about once a second; asking more often only costs time.
constexpr double kShortestWallPeriodS = 1.0;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

double sampling_period_s(std::optional<double> smallest_wrap_j,
                         const MeterSettings& settings,
                         double shortest_useful_s) {
    double period = std::max(settings.period_s, shortest_useful_s);
    if (smallest_wrap_j && settings.power_ceiling_w > 0.0) {
        period = std::min(period, *smallest_wrap_j / settings.power_ceiling_w / 4.0);
    }
    return std::max(period, kShortestPeriodS);
}

NodeMeter::NodeMeter(std::unique_ptr<PowerSource> source,
                     SampleRing ring,
                     const MeterSettings& settings,
                     std::unique_ptr<PowerSource> wall)
    : source_(std::move(source)),
      wall_(std::move(wall)),
      ring_(ring),
      proc_stat_(settings.proc_stat) {
    description_.source = source_->kind();
    if (wall_) {
        description_.wall_source = wall_->kind();
        wall_period_ =
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(
                std::max(kShortestWallPeriodS, wall_->shortest_useful_period_s())));
    }
    description_.period_s = sampling_period_s(
        source_->smallest_wrap_j(), settings, source_->shortest_useful_period_s());
    description_.under_hypervisor = settings.under_hypervisor;
    period_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(description_.period_s));
    const EnergySample first = sample_now();
    for (const DomainEnergy& domain : source_->read()) {
        description_.domains.push_back(domain.domain);
        description_.unit_j.push_back(domain.unit_j);
    }
    if (description_.domains.empty() || description_.domains.size() > kMaxMeterDomains) {
        throw common::PowerError(fmt::format("{} reports {} domains; a meter holds 1 to {}",
                                             source_->description(),
                                             description_.domains.size(),
                                             kMaxMeterDomains));
    }
    if (settings.idle_baseline_s > 0.0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(settings.idle_baseline_s));
        const EnergySample idle_end = sample_now();
        const double elapsed_s = static_cast<double>(idle_end.time_ns - first.time_ns) / 1e9;
        for (std::size_t domain = 0; domain < description_.domains.size(); ++domain) {
            description_.idle_w.push_back(
                (idle_end.energy_j.at(domain) - first.energy_j.at(domain)) / elapsed_s);
        }
    }
    ring_.describe(description_);
    current_idle_w_ = description_.idle_w;
    if (settings.idle_again_every_s > 0.0 && !description_.idle_w.empty()) {
        idle_again_every_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double>(settings.idle_again_every_s));
        idle_measure_for_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double>(settings.idle_baseline_s));
        next_idle_window_ = std::chrono::steady_clock::now() + idle_again_every_;
        on_idle_again_ = settings.on_idle_again;
    }
    ring_.append(sample_now());
    thread_ = std::thread([this] { run(); });
    clockid_t clock = 0;
    if (pthread_getcpuclockid(thread_.native_handle(), &clock) == 0) {
        sampler_clock_ = clock;
    }
}

NodeMeter::~NodeMeter() {
    stopping_.store(true);
    ring_.request_sample();  // wakes the sampler, which then sees stopping_
    if (thread_.joinable()) {
        thread_.join();
    }
}

double NodeMeter::sampler_cpu_s() const {
    timespec used{};
    if (!sampler_clock_ || clock_gettime(*sampler_clock_, &used) != 0) {
        return 0.0;
    }
    return static_cast<double>(used.tv_sec) + (static_cast<double>(used.tv_nsec) * 1e-9);
}

std::vector<double> NodeMeter::measure_idle(double seconds) const {
    // A sample at or after `time_ns`, asked for at once: false when none came in time.
    const auto sample_after = [this](std::int64_t time_ns) {
        const auto deadline =
            std::chrono::steady_clock::now() + (3 * period_) + std::chrono::seconds(1);
        ring_.request_sample();
        while (ring_.newest_time_ns().value_or(0) < time_ns) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return true;
    };
    const std::int64_t from_ns = now_ns();
    if (!sample_after(from_ns)) {
        return {};
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const std::int64_t to_ns = now_ns();
    if (!sample_after(to_ns)) {
        return {};
    }
    const IntervalEnergy idle =
        energy_between(ring_.covering(from_ns, to_ns), description_.domains.size(), from_ns, to_ns);
    std::vector<double> watts;
    for (const double joules : idle.energy_j) {
        watts.push_back(joules / (static_cast<double>(to_ns - from_ns) / 1e9));
    }
    return watts;
}

void NodeMeter::follow_idle_schedule(const EnergySample& sample) {
    if (idle_again_every_.count() == 0) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (idle_phase_ == IdlePhase::kTraining && now >= next_idle_window_) {
        ring_.open_idle_window();
        idle_window_opened_ = now;
        idle_phase_ = IdlePhase::kDraining;
    }
    if (idle_phase_ == IdlePhase::kDraining && ring_.node_idle()) {
        idle_from_ = sample;
        idle_phase_ = IdlePhase::kMeasuring;
        return;
    }
    if (idle_phase_ != IdlePhase::kMeasuring ||
        sample.time_ns - idle_from_.time_ns < idle_measure_for_.count()) {
        return;
    }
    IdleRemeasurement measured;
    measured.before_w = current_idle_w_;
    const double elapsed_s = static_cast<double>(sample.time_ns - idle_from_.time_ns) / 1e9;
    for (std::size_t domain = 0; domain < description_.domains.size(); ++domain) {
        measured.after_w.push_back((sample.energy_j.at(domain) - idle_from_.energy_j.at(domain)) /
                                   elapsed_s);
    }
    measured.waited_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - idle_window_opened_)
            .count() -
        elapsed_s;
    current_idle_w_ = measured.after_w;
    ring_.close_idle_window(current_idle_w_);
    next_idle_window_ = std::chrono::steady_clock::now() + idle_again_every_;
    idle_phase_ = IdlePhase::kTraining;
    if (on_idle_again_) {
        on_idle_again_(measured);
    }
}

EnergySample NodeMeter::sample_now() {
    EnergySample sample;
    const std::vector<DomainEnergy> domains = source_->read();
    sample.time_ns = now_ns();
    sample.busy_cpu_s = node_busy_cpu_s(proc_stat_);
    for (std::size_t domain = 0; domain < std::min(domains.size(), kMaxMeterDomains); ++domain) {
        sample.energy_j.at(domain) = domains[domain].energy_j;
        sample.wraps += domains[domain].wraps;
        sample.unknown_intervals += domains[domain].unknown_intervals;
    }
    read_wall_when_due();
    sample.wall_time_ns = wall_reading_.wall_time_ns;
    sample.wall_energy_j = wall_reading_.wall_energy_j;
    sample.wall_unknown_intervals = wall_reading_.wall_unknown_intervals;
    return sample;
}

void NodeMeter::read_wall_when_due() {
    if (!wall_ || (wall_reading_.wall_time_ns != 0 &&
                   now_ns() - wall_reading_.wall_time_ns < wall_period_.count())) {
        return;
    }
    // One domain, "node"; a source with more would be summed.
    double energy_j = 0.0;
    std::int64_t unknown_intervals = 0;
    for (const DomainEnergy& domain : wall_->read()) {
        energy_j += domain.energy_j;
        unknown_intervals += domain.unknown_intervals;
    }
    wall_reading_.wall_time_ns = now_ns();
    wall_reading_.wall_energy_j = energy_j;
    wall_reading_.wall_unknown_intervals = unknown_intervals;
}

void NodeMeter::run() {
    using Clock = std::chrono::steady_clock;
    std::uint32_t served = 0;
    auto next = Clock::now() + period_;
    while (!stopping_.load()) {
        const auto timeout =
            std::chrono::duration_cast<std::chrono::nanoseconds>(next - Clock::now());
        const bool requested = ring_.wait_for_request(served, timeout);
        if (stopping_.load()) {
            break;
        }
        if (!requested && Clock::now() < next) {
            continue;  // woken early for nothing
        }
        try {
            const EnergySample sample = sample_now();
            ring_.append(sample);
            follow_idle_schedule(sample);
        } catch (const std::exception& error) {
            // A reading that fails is a gap the attribution reports; the meter goes on.
            std::cerr << fmt::format("joulesweep: energy meter: {}\n", error.what());
        }
        if (!requested) {
            next += period_;
            if (next < Clock::now()) {  // late (a stalled node): skip the missed ticks
                next = Clock::now() + period_;
            }
        }
    }
}

}  // namespace joulesweep::worker::power
