#include "joulesweep/worker/power/cpu_identity.hpp"

#include <charconv>
#include <fstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "joulesweep/worker/power/sysfs_file.hpp"

namespace joulesweep::worker::power {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

int to_int(std::string_view text) {
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

}  // namespace

std::optional<CpuIdentity> read_cpu_identity(const std::filesystem::path& cpuinfo) {
    std::ifstream stream(cpuinfo);
    if (!stream) {
        return std::nullopt;
    }
    CpuIdentity identity;
    bool found_vendor = false;
    std::string line;
    // The first processor's block describes them all.
    while (std::getline(stream, line) && !(line.empty() && found_vendor)) {
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        const std::string_view whole = line;
        const std::string_view key = trim(whole.substr(0, colon));
        const std::string_view value = trim(whole.substr(colon + 1));
        if (key == "vendor_id") {
            found_vendor = true;
            identity.vendor = value == "GenuineIntel"   ? CpuVendor::kIntel
                              : value == "AuthenticAMD" ? CpuVendor::kAmd
                                                        : CpuVendor::kOther;
        } else if (key == "cpu family") {
            identity.family = to_int(value);
        } else if (key == "model") {
            identity.model = to_int(value);
        } else if (key == "model name") {
            identity.model_name = value;
        } else if (key == "flags") {
            identity.hypervisor =
                (std::string(" ") + std::string(value) + " ").find(" hypervisor ") !=
                std::string::npos;
        }
    }
    if (!found_vendor) {
        return std::nullopt;
    }
    return identity;
}

std::string node_type(const std::filesystem::path& cpuinfo) {
    const std::optional<CpuIdentity> identity = read_cpu_identity(cpuinfo);
    std::ifstream stream(cpuinfo);
    if (!identity || !stream) {
        return "unknown";
    }
    int processors = 0;
    std::string line;
    while (std::getline(stream, line)) {
        const std::string_view text = line;
        const std::size_t colon = text.find(':');
        if (colon != std::string_view::npos && trim(text.substr(0, colon)) == "processor") {
            ++processors;
        }
    }
    return fmt::format("{} ({} CPU{})",
                       identity->model_name.empty() ? "unnamed CPU" : identity->model_name,
                       processors,
                       processors == 1 ? "" : "s");
}

std::map<int, int> first_cpu_per_package(const std::filesystem::path& sysfs_root) {
    std::map<int, int> packages;
    const std::filesystem::path cpus = sysfs_root / "devices" / "system" / "cpu";
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(cpus, error)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("cpu") || name.size() == 3) {
            continue;
        }
        int cpu = 0;
        const std::string_view whole = name;
        const std::string_view digits = whole.substr(3);
        const auto [end, parse_error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), cpu);
        if (parse_error != std::errc() || end != digits.data() + digits.size()) {
            continue;  // cpufreq, cpuidle, ...
        }
        const std::optional<std::uint64_t> package =
            read_unsigned_attribute(entry.path() / "topology" / "physical_package_id");
        if (!package) {
            continue;
        }
        const int package_id = static_cast<int>(*package);
        const auto known = packages.find(package_id);
        if (known == packages.end() || cpu < known->second) {
            packages[package_id] = cpu;
        }
    }
    return packages;
}

}  // namespace joulesweep::worker::power
