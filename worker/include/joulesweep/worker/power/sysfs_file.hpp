#pragma once
// Reading small sysfs attribute files (powercap, perf, CPU topology): one decimal or
// text value per file. Kept open where it is read repeatedly, because the kernel
// regenerates the value at offset 0 on every pread and reopening costs a path walk.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace joulesweep::worker::power {

// The whole file, trailing newline removed; nullopt when it does not exist or cannot
// be read.
std::optional<std::string> read_attribute(const std::filesystem::path& file);

// An unsigned decimal attribute; nullopt when missing, unreadable or not a number.
std::optional<std::uint64_t> read_unsigned_attribute(const std::filesystem::path& file);

// An open attribute file read again and again with pread.
class OpenAttribute {
public:
    // Throws PowerError naming the file and the reason (permission denied: RAPL's
    // energy_uj is root-only since Linux 5.10).
    explicit OpenAttribute(std::filesystem::path file);
    ~OpenAttribute();

    OpenAttribute(const OpenAttribute&) = delete;
    OpenAttribute& operator=(const OpenAttribute&) = delete;
    OpenAttribute(OpenAttribute&& other) noexcept;
    OpenAttribute& operator=(OpenAttribute&&) = delete;

    // The current value, or nullopt with `error` set when the read failed or was not a
    // number.
    std::optional<std::uint64_t> read_unsigned(std::string& error) const;

    const std::filesystem::path& file() const noexcept { return file_; }

private:
    std::filesystem::path file_;
    int descriptor_;
};

}  // namespace joulesweep::worker::power
