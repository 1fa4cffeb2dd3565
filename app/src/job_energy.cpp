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

// "41.0 W, <label> 40.0 W: drift +1.0 W (+2.5%)"
std::string drift_text(double now_w, double then_w, const char* label) {
    return fmt::format("{:.1f} W, {} {:.1f} W: drift {:+.1f} W ({:+.1f}%)",
                       now_w,
                       label,
                       then_w,
                       now_w - then_w,
                       then_w > 0.0 ? 100.0 * (now_w - then_w) / then_w : 0.0);
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
            meter_settings.on_idle_again = [](const worker::power::IdleRemeasurement& idle) {
                std::cout << fmt::format(
                                 "energy: idle baseline measured again (new runs waited {:.1f} s "
                                 "for the node to be idle): {}",
                                 idle.waited_s,
                                 drift_text(total(idle.after_w), total(idle.before_w), "before"))
                          << std::endl;  // flushed: from the meter's thread, mid-job
            };
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
        std::cout << fmt::format("energy: idle baseline at the end {}\n",
                                 drift_text(total(at_end), at_start_w, "at the start"));
    }
    std::cout.flush();
}

bool JobEnergy::only_training_rank() const noexcept {
    return memory_ && memory_->training_ranks() == 1;
}

}  // namespace joulesweep::app
