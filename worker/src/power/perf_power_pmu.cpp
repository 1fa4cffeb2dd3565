#include "joulesweep/worker/power/perf_power_pmu.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/power/sysfs_file.hpp"

namespace joulesweep::worker::power {
namespace {

namespace fs = std::filesystem;

std::optional<std::uint64_t> parse_event_code(std::string_view text) {
    // "event=0x02", possibly with other terms ("event=0x02,umask=0x0").
    constexpr std::string_view kEvent = "event=0x";
    const std::size_t at = text.find(kEvent);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    text.remove_prefix(at + kEvent.size());
    std::uint64_t code = 0;
    constexpr int kHex = 16;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), code, kHex);
    if (error != std::errc() || end == text.data()) {
        return std::nullopt;
    }
    return code;
}

// The domain perf's event name stands for ("energy-pkg" on CPU 0 -> "package-cpu0").
std::string domain_of(const std::string& event, int cpu) {
    const std::string kind = event.substr(event.find('-') + 1);
    const std::string name = kind == "pkg" ? "package" : (kind == "ram" ? "dram" : kind);
    return fmt::format("{}-cpu{}", name, cpu);
}

}  // namespace

std::vector<int> parse_cpu_list(const std::string& text) {
    std::vector<int> cpus;
    std::string_view rest(text);
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const std::size_t dash = item.find('-');
        int first = 0;
        int last = 0;
        const std::string_view first_text = item.substr(0, dash);
        const std::string_view last_text =
            dash == std::string_view::npos ? first_text : item.substr(dash + 1);
        const auto first_parse =
            std::from_chars(first_text.data(), first_text.data() + first_text.size(), first);
        const auto last_parse =
            std::from_chars(last_text.data(), last_text.data() + last_text.size(), last);
        if (item.empty() || first_parse.ec != std::errc() || last_parse.ec != std::errc() ||
            first_parse.ptr != first_text.data() + first_text.size() ||
            last_parse.ptr != last_text.data() + last_text.size() || last < first) {
            throw common::PowerError(fmt::format("'{}' is not a CPU list", text));
        }
        for (int cpu = first; cpu <= last; ++cpu) {
            cpus.push_back(cpu);
        }
    }
    return cpus;
}

PerfPowerPmu read_perf_power_pmu(const fs::path& sysfs_root) {
    const fs::path pmu_dir = sysfs_root / "bus" / "event_source" / "devices" / "power";
    std::error_code error;
    if (!fs::is_directory(pmu_dir, error)) {
        throw common::PowerError(fmt::format(
            "{} does not exist: no perf power PMU (a VM, or the rapl perf module is not loaded)",
            pmu_dir.string()));
    }
    PerfPowerPmu pmu;
    const std::optional<std::uint64_t> type = read_unsigned_attribute(pmu_dir / "type");
    if (!type) {
        throw common::PowerError(
            fmt::format("{}/type is missing or not a number", pmu_dir.string()));
    }
    pmu.type = static_cast<std::uint32_t>(*type);
    const std::optional<std::string> cpumask = read_attribute(pmu_dir / "cpumask");
    if (!cpumask) {
        throw common::PowerError(fmt::format("{}/cpumask is missing", pmu_dir.string()));
    }
    pmu.cpus = parse_cpu_list(*cpumask);
    for (const fs::directory_entry& entry : fs::directory_iterator(pmu_dir / "events", error)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("energy-") || name.find('.') != std::string::npos) {
            continue;
        }
        const std::optional<std::string> code_text = read_attribute(entry.path());
        const std::optional<std::uint64_t> code =
            code_text ? parse_event_code(*code_text) : std::nullopt;
        const std::optional<std::string> scale_text =
            read_attribute(pmu_dir / "events" / (name + ".scale"));
        if (!code || !scale_text) {
            throw common::PowerError(fmt::format(
                "{}/events/{}: expected 'event=0x..' and a .scale file", pmu_dir.string(), name));
        }
        char* end = nullptr;
        const double scale = std::strtod(scale_text->c_str(), &end);
        if (end == scale_text->c_str() || !(scale > 0.0)) {
            throw common::PowerError(
                fmt::format("{}/events/{}.scale holds '{}', not a positive number",
                            pmu_dir.string(),
                            name,
                            *scale_text));
        }
        pmu.events.push_back(PerfPowerEvent{name, *code, scale});
    }
    if (pmu.events.empty()) {
        throw common::PowerError(fmt::format("{}/events has no energy-* event", pmu_dir.string()));
    }
    std::sort(pmu.events.begin(), pmu.events.end(), [](const auto& a, const auto& b) {
        return a.name < b.name;
    });
    return pmu;
}

PerfPowerSource::PerfPowerSource(const fs::path& sysfs_root) {
    const PerfPowerPmu pmu = read_perf_power_pmu(sysfs_root);
    for (const PerfPowerEvent& event : pmu.events) {
        // Cores and GPU are inside the package: counting them would count twice.
        if (event.name != "energy-pkg" && event.name != "energy-ram" &&
            event.name != "energy-psys") {
            continue;
        }
        if (event.name == "energy-psys" &&
            std::any_of(pmu.events.begin(), pmu.events.end(), [](const auto& other) {
                return other.name == "energy-pkg";
            })) {
            continue;  // the platform overlaps the packages
        }
        for (const int cpu : pmu.cpus) {
            perf_event_attr attributes{};
            attributes.size = sizeof attributes;
            attributes.type = pmu.type;
            attributes.config = event.config;
            const long descriptor = ::syscall(SYS_perf_event_open,
                                              &attributes,
                                              -1,
                                              cpu,
                                              -1,
                                              0);  // NOLINT(cppcoreguidelines-pro-type-vararg)
            if (descriptor < 0) {
                const int open_error = errno;
                throw common::PowerError(fmt::format(
                    "perf_event_open({} on CPU {}): {}{}",
                    event.name,
                    cpu,
                    std::strerror(open_error),  // NOLINT(concurrency-mt-unsafe)
                    open_error == EACCES || open_error == EPERM
                        ? " (needs /proc/sys/kernel/perf_event_paranoid <= 0 or CAP_PERFMON)"
                        : ""));
            }
            OpenEvent open_event;
            open_event.descriptor = static_cast<int>(descriptor);
            open_event.scale_j = event.scale_j;
            open_event.total.domain = domain_of(event.name, cpu);
            open_event.total.unit_j = event.scale_j;
            events_.push_back(std::move(open_event));
            std::uint64_t count = 0;
            if (::read(events_.back().descriptor, &count, sizeof count) == sizeof count) {
                events_.back().first_count = count;
            }
        }
    }
    if (events_.empty()) {
        throw common::PowerError(
            "the perf power PMU has no energy-pkg, energy-ram or energy-psys event");
    }
}

PerfPowerSource::~PerfPowerSource() {
    for (const OpenEvent& event : events_) {
        ::close(event.descriptor);
    }
}

std::string PerfPowerSource::description() const {
    std::vector<std::string> domains;
    domains.reserve(events_.size());
    for (const OpenEvent& event : events_) {
        domains.push_back(event.total.domain);
    }
    return fmt::format("perf power PMU: {}", fmt::join(domains, ", "));
}

std::vector<DomainEnergy> PerfPowerSource::read() {
    std::vector<DomainEnergy> energies;
    energies.reserve(events_.size());
    for (OpenEvent& event : events_) {
        std::uint64_t count = 0;
        if (::read(event.descriptor, &count, sizeof count) == sizeof count) {
            event.total.energy_j = static_cast<double>(count - event.first_count) * event.scale_j;
        } else {
            ++event.total.unknown_intervals;
            event.total.note = fmt::format("read of the perf event failed: {}",
                                           std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
        }
        energies.push_back(event.total);
    }
    return energies;
}

}  // namespace joulesweep::worker::power
