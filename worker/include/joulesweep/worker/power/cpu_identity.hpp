#pragma once
// Which CPU this is (vendor, family, model: RAPL registers and unit quirks depend on
// them), whether it runs under a hypervisor, and one CPU per physical package (RAPL
// counts per package, so one reader per package). Read from /proc/cpuinfo and the CPU
// topology in sysfs, both at configurable roots so tests can bring their own.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace joulesweep::worker::power {

enum class CpuVendor { kIntel, kAmd, kOther };

struct CpuIdentity {
    CpuVendor vendor = CpuVendor::kOther;
    int family = 0;
    int model = 0;
    std::string model_name;
    bool hypervisor = false;  // the "hypervisor" flag: a VM, where RAPL is absent or fake
};

// nullopt when the file cannot be read or names no vendor.
std::optional<CpuIdentity> read_cpu_identity(const std::filesystem::path& cpuinfo);

// The kind of node, as energy provenance names it: "<model name> (<N> CPUs)", N the
// processors /proc/cpuinfo lists; "unknown" when the file cannot be read.
std::string node_type(const std::filesystem::path& cpuinfo);

// physical package id -> the lowest-numbered CPU on it, from
// <sysfs>/devices/system/cpu/cpuN/topology/physical_package_id. Empty when unknown.
std::map<int, int> first_cpu_per_package(const std::filesystem::path& sysfs_root);

}  // namespace joulesweep::worker::power
