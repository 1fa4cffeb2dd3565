#pragma once
// Model-specific registers, behind an interface: the real /dev/cpu/N/msr device (root
// and CAP_SYS_RAWIO, after `modprobe msr`), or an in-memory map in tests. A sparse file
// cannot fake the device: neighbouring MSR indices are one byte apart, so 8-byte reads
// at those offsets would overlap.

#include <cstdint>
#include <filesystem>
#include <map>

namespace joulesweep::worker::power {

class MsrDevice {
public:
    virtual ~MsrDevice() = default;
    MsrDevice() = default;
    MsrDevice(const MsrDevice&) = delete;
    MsrDevice& operator=(const MsrDevice&) = delete;
    MsrDevice(MsrDevice&&) = delete;
    MsrDevice& operator=(MsrDevice&&) = delete;

    // The 64-bit value of register `msr` on `cpu`; throws PowerError naming both.
    virtual std::uint64_t read(int cpu, std::uint32_t msr) = 0;
};

// /dev/cpu/<cpu>/msr (the root is configurable), each CPU's file opened once.
class FileMsrDevice final : public MsrDevice {
public:
    explicit FileMsrDevice(std::filesystem::path dev_cpu_root);
    ~FileMsrDevice() override;

    FileMsrDevice(const FileMsrDevice&) = delete;
    FileMsrDevice& operator=(const FileMsrDevice&) = delete;
    FileMsrDevice(FileMsrDevice&&) = delete;
    FileMsrDevice& operator=(FileMsrDevice&&) = delete;

    std::uint64_t read(int cpu, std::uint32_t msr) override;

private:
    std::filesystem::path root_;
    std::map<int, int> descriptors_;  // cpu -> open file
};

}  // namespace joulesweep::worker::power
