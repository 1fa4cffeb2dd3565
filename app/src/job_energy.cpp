#include "joulesweep/app/job_energy.hpp"

#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::app {
namespace {

double total(const std::vector<double>& watts) {
    double sum = 0.0;
    for (const double value : watts) {
        sum += value;
    }
    return sum;
}

std::string baseline_text(const worker::power::MeterDescription& meter) {
    if (meter.idle_w.empty()) {
        return "no idle baseline";
    }
    return fmt::format("idle baseline {:.1f} W", total(meter.idle_w));
}

}  // namespace

JobEnergy::JobEnergy(MPI_Comm world, const JobEnergySettings& settings, bool computes) {
    if (!settings.enabled) {
        return;
    }
    measure_idle_at_end_ = settings.idle_at_end;
    idle_baseline_s_ = settings.meter.idle_baseline_s;
    memory_.emplace(world, worker::power::SampleRing::bytes_needed(), computes);
    if (memory_->leader()) {
        ring_ = worker::power::SampleRing::create(memory_->data());
        worker::power::PowerProbe probe = worker::power::probe_power_sources(settings.sources);
        if (!probe.chosen) {
            std::cout << "energy: not measured on this node: no source can run here (joulesweep "
                         "energy probe says why)\n";
        } else {
            std::string description = probe.chosen->description();
            if (probe.wall) {
                description += fmt::format("; beside it, for the rest of the node, {}",
                                           probe.wall->description());
            }
            worker::power::MeterSettings meter_settings = settings.meter;
            meter_settings.under_hypervisor = probe.under_hypervisor;
            try {
                meter_ = std::make_unique<worker::power::NodeMeter>(
                    std::move(probe.chosen), *ring_, meter_settings, std::move(probe.wall));
                std::cout << fmt::format("energy: {}; sampled every {:g} s; {}{}\n",
                                         description,
                                         meter_->description().period_s,
                                         baseline_text(meter_->description()),
                                         probe.under_hypervisor ? "; this node is a VM" : "");
            } catch (const common::PowerError& error) {
                std::cout << fmt::format("energy: not measured on this node: {}\n", error.what());
            }
        }
        std::cout.flush();
    }
    memory_->barrier();
    if (!memory_->leader()) {
        ring_ = worker::power::SampleRing::attach(memory_->data());
    }
}

void JobEnergy::measure_idle_at_end() const {
    if (!memory_ || !measure_idle_at_end_) {
        return;
    }
    memory_->barrier();  // every rank of the node is idle from here on
    if (!meter_ || meter_->description().idle_w.empty()) {
        return;
    }
    const double at_start_w = total(meter_->description().idle_w);
    const std::vector<double> at_end = meter_->measure_idle(idle_baseline_s_);
    if (at_end.empty()) {
        std::cout << "energy: the idle baseline could not be measured again at the end: the "
                     "meter did not answer\n";
    } else {
        const double at_end_w = total(at_end);
        std::cout << fmt::format(
            "energy: idle baseline at the end {:.1f} W, at the start {:.1f} W: drift {:+.1f} W "
            "({:+.1f}%)\n",
            at_end_w,
            at_start_w,
            at_end_w - at_start_w,
            at_start_w > 0.0 ? 100.0 * (at_end_w - at_start_w) / at_start_w : 0.0);
    }
    std::cout.flush();
}

bool JobEnergy::only_training_rank() const noexcept {
    return memory_ && memory_->training_ranks() == 1;
}

}  // namespace joulesweep::app
