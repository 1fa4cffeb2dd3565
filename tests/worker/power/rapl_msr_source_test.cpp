#include "joulesweep/worker/power/rapl_msr_source.hpp"

#include <map>
#include <memory>
#include <utility>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

// MSRs in memory, keyed by (cpu, register): a file cannot fake them (see msr_device.hpp).
class MapMsrDevice final : public MsrDevice {
public:
    std::map<std::pair<int, std::uint32_t>, std::uint64_t> registers;

    std::uint64_t read(int cpu, std::uint32_t msr) override {
        const auto found = registers.find({cpu, msr});
        if (found == registers.end()) {
            throw common::PowerError(
                fmt::format("cannot read MSR {:#x} on CPU {}: not implemented", msr, cpu));
        }
        return found->second;
    }
};

CpuIdentity intel(int model) {
    return CpuIdentity{CpuVendor::kIntel, 6, model, "test", false};
}

}  // namespace

TEST_CASE("RAPL units: the reference vector 0xA0E03", "[worker][power]") {
    const RaplUnits units = decode_rapl_units(0x000A0E03);
    CHECK(units.power_w == 0.125);
    CHECK(units.energy_j == 6.103515625e-05);
    CHECK(units.time_s == 0.0009765625);
}

TEST_CASE("RaplMsrSource: Intel package and DRAM, a wrap, upper bits masked", "[worker][power]") {
    auto device = std::make_unique<MapMsrDevice>();
    MapMsrDevice& registers = *device;
    registers.registers[{0, msr::kIntelPowerUnit}] = 0xA0E03;
    registers.registers[{0, msr::kIntelPackageEnergy}] = 0xFFFFFF00;
    registers.registers[{0, msr::kIntelDramEnergy}] =
        0xDEADBEEF00001000ULL;  // garbage above bit 31
    RaplMsrSource source(std::move(device), intel(151), {{0, 0}});
    CHECK_THAT(source.description(), Catch::Contains("package-0 (CPU 0, MSR 0x611"));

    registers.registers[{0, msr::kIntelPackageEnergy}] = 0x00000100;  // wrapped: +0x200 units
    registers.registers[{0, msr::kIntelDramEnergy}] = 0x1234567800002000ULL;  // +0x1000 units
    const std::vector<DomainEnergy> energies = source.read();
    REQUIRE(energies.size() == 2);
    CHECK(energies[0].domain == "package-0");
    CHECK(energies[0].energy_j == Approx(0x200 * 6.103515625e-05));  // 31.25 mJ
    CHECK(energies[0].wraps == 1);
    CHECK(energies[0].unit_j == 6.103515625e-05);
    CHECK(energies[1].domain == "dram-0");
    CHECK(energies[1].energy_j == Approx(0x1000 * 6.103515625e-05));
}

TEST_CASE("RaplMsrSource: Haswell-X DRAM counts 2^-16 J whatever the unit register says",
          "[worker][power]") {
    auto device = std::make_unique<MapMsrDevice>();
    MapMsrDevice& registers = *device;
    registers.registers[{0, msr::kIntelPowerUnit}] = 0xA0E03;
    registers.registers[{0, msr::kIntelPackageEnergy}] = 0;
    registers.registers[{0, msr::kIntelDramEnergy}] = 0;
    CHECK(has_fixed_dram_unit(intel(63)));
    CHECK_FALSE(has_fixed_dram_unit(intel(151)));
    RaplMsrSource source(std::move(device), intel(63), {{0, 0}});
    registers.registers[{0, msr::kIntelDramEnergy}] = 65536;
    CHECK(source.read()[1].energy_j == Approx(1.0));
    CHECK(source.read()[1].unit_j == 1.0 / 65536);
}

TEST_CASE("RaplMsrSource: AMD reads its own registers, ESU 16, two packages, no DRAM",
          "[worker][power]") {
    auto device = std::make_unique<MapMsrDevice>();
    MapMsrDevice& registers = *device;
    for (const int cpu : {0, 8}) {
        registers.registers[{cpu, msr::kAmdPowerUnit}] = 0x000A1003;  // ESU 16
        registers.registers[{cpu, msr::kAmdPackageEnergy}] = 0;
    }
    RaplMsrSource source(
        std::move(device), CpuIdentity{CpuVendor::kAmd, 26, 68, "test", false}, {{0, 0}, {1, 8}});
    registers.registers[{8, msr::kAmdPackageEnergy}] = std::uint64_t{3} * 65536;
    const std::vector<DomainEnergy> energies = source.read();
    REQUIRE(energies.size() == 2);
    CHECK(energies[0].energy_j == 0.0);
    CHECK(energies[1].domain == "package-1");
    CHECK(energies[1].energy_j == Approx(3.0));
    CHECK(source.notes().empty());
}

TEST_CASE("RaplMsrSource: no DRAM register is noted, a failed read flags the interval",
          "[worker][power]") {
    auto device = std::make_unique<MapMsrDevice>();
    MapMsrDevice& registers = *device;
    registers.registers[{0, msr::kIntelPowerUnit}] = 0xA0E03;
    registers.registers[{0, msr::kIntelPackageEnergy}] = 100;
    RaplMsrSource source(std::move(device), intel(151), {{0, 0}});
    REQUIRE(source.notes().size() == 1);
    CHECK_THAT(source.notes()[0], Catch::Contains("package 0: no DRAM counter"));
    registers.registers.erase({0, msr::kIntelPackageEnergy});
    const std::vector<DomainEnergy> energies = source.read();
    CHECK(energies[0].unknown_intervals == 1);
    CHECK_THAT(energies[0].note, Catch::Contains("MSR 0x611"));
}

TEST_CASE("RaplMsrSource: a CPU without known RAPL registers is refused", "[worker][power]") {
    CHECK_THROWS_AS(RaplMsrSource(std::make_unique<MapMsrDevice>(),
                                  CpuIdentity{CpuVendor::kOther, 0, 0, "", false},
                                  {{0, 0}}),
                    common::PowerError);
    CHECK_THROWS_WITH(RaplMsrSource(std::make_unique<MapMsrDevice>(), intel(151), {}),
                      Catch::Contains("no CPU topology"));
}

}  // namespace joulesweep::worker::power
