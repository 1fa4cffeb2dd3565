#include "joulesweep/worker/power/msr_device.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {

FileMsrDevice::FileMsrDevice(std::filesystem::path dev_cpu_root) : root_(std::move(dev_cpu_root)) {}

FileMsrDevice::~FileMsrDevice() {
    for (const auto& [cpu, descriptor] : descriptors_) {
        ::close(descriptor);
    }
}

std::uint64_t FileMsrDevice::read(int cpu, std::uint32_t msr) {
    auto open_file = descriptors_.find(cpu);
    if (open_file == descriptors_.end()) {
        const std::filesystem::path file = root_ / std::to_string(cpu) / "msr";
        const int descriptor = ::open(
            file.c_str(), O_RDONLY | O_CLOEXEC);  // NOLINT(cppcoreguidelines-pro-type-vararg)
        if (descriptor < 0) {
            const int error = errno;
            throw common::PowerError(fmt::format(
                "cannot open {}: {}{}",
                file.string(),
                std::strerror(error),  // NOLINT(concurrency-mt-unsafe)
                error == ENOENT
                    ? " (load the msr module: modprobe msr)"
                    : (error == EACCES || error == EPERM ? " (needs root and CAP_SYS_RAWIO)"
                                                         : "")));
        }
        open_file = descriptors_.emplace(cpu, descriptor).first;
    }
    std::uint64_t value = 0;
    const ssize_t size = ::pread(open_file->second, &value, sizeof value, static_cast<off_t>(msr));
    if (size != static_cast<ssize_t>(sizeof value)) {
        throw common::PowerError(
            fmt::format("cannot read MSR {:#x} on CPU {}: {}",
                        msr,
                        cpu,
                        size < 0 ? std::strerror(errno)  // NOLINT(concurrency-mt-unsafe)
                                 : "short read (the register is not implemented)"));
    }
    return value;
}

}  // namespace joulesweep::worker::power
