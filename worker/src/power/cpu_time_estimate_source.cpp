#include "joulesweep/worker/power/cpu_time_estimate_source.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {

double node_busy_cpu_s(const std::filesystem::path& proc_stat) {
    std::ifstream stream(proc_stat);
    std::string line;
    if (!stream || !std::getline(stream, line) || !line.starts_with("cpu ")) {
        throw common::PowerError(
            fmt::format("cannot read the node's CPU time from {}", proc_stat.string()));
    }
    std::istringstream fields(line.substr(4));
    // user nice system idle iowait irq softirq steal
    constexpr std::size_t kFields = 8;
    std::array<std::uint64_t, kFields> ticks{};
    for (std::uint64_t& value : ticks) {
        if (!(fields >> value)) {
            throw common::PowerError(fmt::format(
                "{}: the cpu line has fewer than 8 numbers: {}", proc_stat.string(), line));
        }
    }
    const std::uint64_t busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
    static const long ticks_per_s = sysconf(_SC_CLK_TCK);
    return static_cast<double>(busy) / static_cast<double>(ticks_per_s);
}

CpuTimeEstimateSource::CpuTimeEstimateSource(const std::filesystem::path& proc_root,
                                             double busy_core_w)
    : proc_stat_(proc_root / "stat"),
      busy_core_w_(busy_core_w),
      first_busy_s_(node_busy_cpu_s(proc_stat_)) {
    if (!(busy_core_w_ > 0.0)) {
        throw common::ConfigError(fmt::format(
            "the estimate's power per busy core must be positive, got {} W", busy_core_w_));
    }
    total_.domain = "cpu-time";
}

std::string CpuTimeEstimateSource::description() const {
    return fmt::format(
        "estimate: {:g} W per busy core x the node's CPU time ({}); a model, "
        "not a measurement",
        busy_core_w_,
        proc_stat_.string());
}

std::vector<DomainEnergy> CpuTimeEstimateSource::read() {
    try {
        total_.energy_j = (node_busy_cpu_s(proc_stat_) - first_busy_s_) * busy_core_w_;
    } catch (const common::PowerError& error) {
        ++total_.unknown_intervals;
        total_.note = error.what();
    }
    return {total_};
}

}  // namespace joulesweep::worker::power
