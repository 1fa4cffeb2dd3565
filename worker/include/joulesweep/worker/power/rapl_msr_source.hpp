#pragma once
// RAPL read from the model-specific registers, one CPU per package. Units come from the
// power-unit register (the same bit layout on Intel and AMD); on the Intel server models
// whose DRAM unit the register gets wrong, DRAM uses 2^-16 J as the kernel does. Energy
// registers are 32-bit counters (upper bits masked: they are not guaranteed to be zero),
// so increments are taken modulo 2^32.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/worker/power/cpu_identity.hpp"
#include "joulesweep/worker/power/msr_device.hpp"
#include "joulesweep/worker/power/power_source.hpp"
#include "joulesweep/worker/power/wrapping_counter.hpp"

namespace joulesweep::worker::power {

namespace msr {
inline constexpr std::uint32_t kIntelPowerUnit = 0x606;
inline constexpr std::uint32_t kIntelPackageEnergy = 0x611;
inline constexpr std::uint32_t kIntelDramEnergy = 0x619;
inline constexpr std::uint32_t kAmdPowerUnit = 0xC0010299;
inline constexpr std::uint32_t kAmdPackageEnergy = 0xC001029B;
}  // namespace msr

struct RaplUnits {
    double power_w = 0.0;   // bits 3:0, 1/2^PU W
    double energy_j = 0.0;  // bits 12:8, 1/2^ESU J
    double time_s = 0.0;    // bits 19:16, 1/2^TU s
};

// Decodes the power-unit register (MSR_RAPL_POWER_UNIT on Intel, 0xC0010299 on AMD).
RaplUnits decode_rapl_units(std::uint64_t value) noexcept;

// Whether this Intel family-6 model's DRAM counter uses 2^-16 J whatever the unit
// register says (Haswell-X, Broadwell-X/-D, Skylake-X, Ice Lake-X/-D, Knights Landing/Mill).
bool has_fixed_dram_unit(const CpuIdentity& cpu) noexcept;

class RaplMsrSource final : public PowerSource {
public:
    // `package_cpus`: physical package id -> a CPU on it. Throws PowerError when the CPU
    // has no RAPL registers we know, or the package registers cannot be read. DRAM is
    // measured where its register can be read, and noted as absent otherwise.
    RaplMsrSource(std::unique_ptr<MsrDevice> device,
                  const CpuIdentity& cpu,
                  const std::map<int, int>& package_cpus);

    PowerSourceKind kind() const noexcept override { return PowerSourceKind::kRaplMsr; }

    std::string description() const override;
    std::vector<DomainEnergy> read() override;
    std::optional<double> smallest_wrap_j() const override;

    const std::vector<std::string>& notes() const noexcept { return notes_; }

private:
    struct Counter {
        int cpu = 0;
        std::uint32_t msr = 0;
        double unit_j = 0.0;
        WrappingCounter counter{std::uint64_t{1} << 32U};
        std::uint64_t accumulated_units = 0;
        DomainEnergy total;
    };

    std::unique_ptr<MsrDevice> device_;
    std::vector<Counter> counters_;
    std::vector<std::string> notes_;
};

}  // namespace joulesweep::worker::power
