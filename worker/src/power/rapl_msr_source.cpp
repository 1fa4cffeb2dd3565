#include "joulesweep/worker/power/rapl_msr_source.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

constexpr std::uint64_t kCounterMask = 0xFFFFFFFFULL;
constexpr int kFixedDramEnergyBits = 16;
constexpr int kIntelServerFamily = 6;
// Family-6 models with the fixed DRAM unit (the kernel's RAPL_UNIT_QUIRK_INTEL_HSW).
constexpr std::array<int, 8> kFixedDramUnitModels = {63, 79, 86, 85, 106, 108, 87, 133};

double power_of_half(std::uint64_t bits) {
    return std::ldexp(1.0, -static_cast<int>(bits));
}

}  // namespace

RaplUnits decode_rapl_units(std::uint64_t value) noexcept {
    constexpr std::uint64_t kPowerBits = 0xF;
    constexpr std::uint64_t kEnergyBits = 0x1F;
    constexpr unsigned kEnergyShift = 8;
    constexpr unsigned kTimeShift = 16;
    return RaplUnits{power_of_half(value & kPowerBits),
                     power_of_half((value >> kEnergyShift) & kEnergyBits),
                     power_of_half((value >> kTimeShift) & kPowerBits)};
}

bool has_fixed_dram_unit(const CpuIdentity& cpu) noexcept {
    return cpu.vendor == CpuVendor::kIntel && cpu.family == kIntelServerFamily &&
           std::find(kFixedDramUnitModels.begin(), kFixedDramUnitModels.end(), cpu.model) !=
               kFixedDramUnitModels.end();
}

RaplMsrSource::RaplMsrSource(std::unique_ptr<MsrDevice> device,
                             const CpuIdentity& cpu,
                             const std::map<int, int>& package_cpus)
    : device_(std::move(device)) {
    if (cpu.vendor == CpuVendor::kOther) {
        throw common::PowerError("RAPL MSRs: neither an Intel nor an AMD CPU");
    }
    if (package_cpus.empty()) {
        throw common::PowerError(
            "RAPL MSRs: no CPU topology (physical_package_id) to find the packages");
    }
    const bool intel = cpu.vendor == CpuVendor::kIntel;
    for (const auto& [package_id, cpu_on_package] : package_cpus) {
        const int package_cpu = cpu_on_package;  // a lambda below captures it
        const RaplUnits units = decode_rapl_units(
            device_->read(package_cpu, intel ? msr::kIntelPowerUnit : msr::kAmdPowerUnit));
        const auto add = [&](std::string domain, std::uint32_t energy_msr, double unit_j) {
            Counter counter;
            counter.cpu = package_cpu;
            counter.msr = energy_msr;
            counter.unit_j = unit_j;
            counter.counter.start(device_->read(package_cpu, energy_msr) & kCounterMask);
            counter.total.domain = std::move(domain);
            counter.total.unit_j = unit_j;
            counters_.push_back(std::move(counter));
        };
        add(fmt::format("package-{}", package_id),
            intel ? msr::kIntelPackageEnergy : msr::kAmdPackageEnergy,
            units.energy_j);
        if (!intel) {
            continue;  // AMD has no DRAM domain
        }
        const double dram_unit_j =
            has_fixed_dram_unit(cpu) ? power_of_half(kFixedDramEnergyBits) : units.energy_j;
        try {
            add(fmt::format("dram-{}", package_id), msr::kIntelDramEnergy, dram_unit_j);
        } catch (const common::PowerError& error) {
            notes_.push_back(
                fmt::format("package {}: no DRAM counter ({})", package_id, error.what()));
        }
    }
}

std::string RaplMsrSource::description() const {
    std::vector<std::string> domains;
    domains.reserve(counters_.size());
    for (const Counter& counter : counters_) {
        domains.push_back(fmt::format("{} (CPU {}, MSR {:#x}, unit {:.6g} J)",
                                      counter.total.domain,
                                      counter.cpu,
                                      counter.msr,
                                      counter.unit_j));
    }
    return fmt::format("RAPL MSR: {}", fmt::join(domains, ", "));
}

std::optional<double> RaplMsrSource::smallest_wrap_j() const {
    constexpr double kCounterRange = 4294967296.0;  // the registers count 32 bits
    std::optional<double> smallest;
    for (const Counter& counter : counters_) {
        const double range_j = kCounterRange * counter.unit_j;
        smallest = std::min(smallest.value_or(range_j), range_j);
    }
    return smallest;
}

std::vector<DomainEnergy> RaplMsrSource::read() {
    std::vector<DomainEnergy> energies;
    energies.reserve(counters_.size());
    for (Counter& counter : counters_) {
        try {
            const std::uint64_t value = device_->read(counter.cpu, counter.msr) & kCounterMask;
            // A 32-bit counter always has a known range, so the increment is always known.
            counter.accumulated_units += counter.counter.advance(value).value_or(0);
        } catch (const common::PowerError& error) {
            ++counter.total.unknown_intervals;
            counter.total.note = error.what();
        }
        counter.total.energy_j = static_cast<double>(counter.accumulated_units) * counter.unit_j;
        counter.total.wraps = counter.counter.wraps();
        energies.push_back(counter.total);
    }
    return energies;
}

}  // namespace joulesweep::worker::power
