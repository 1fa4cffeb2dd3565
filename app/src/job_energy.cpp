#include "joulesweep/app/job_energy.hpp"

#include <iostream>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::app {
namespace {

std::string baseline_text(const worker::power::MeterDescription& meter) {
    if (meter.idle_w.empty()) {
        return "no idle baseline";
    }
    double idle_w = 0.0;
    for (const double watts : meter.idle_w) {
        idle_w += watts;
    }
    return fmt::format("idle baseline {:.1f} W", idle_w);
}

}  // namespace

JobEnergy::JobEnergy(MPI_Comm world, const JobEnergySettings& settings, bool computes) {
    if (!settings.enabled) {
        return;
    }
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

bool JobEnergy::only_training_rank() const noexcept {
    return memory_ && memory_->training_ranks() == 1;
}

}  // namespace joulesweep::app
