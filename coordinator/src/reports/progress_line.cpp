#include "joulesweep/coordinator/reports/progress_line.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace joulesweep::coordinator {

std::string format_clock(double seconds) {
    const auto total = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
    const long long hours = total / 3600;
    const long long minutes = total / 60 % 60;
    const long long rest = total % 60;
    if (hours > 0) {
        return fmt::format("{}:{:02}:{:02}", hours, minutes, rest);
    }
    return fmt::format("{}:{:02}", minutes, rest);
}

std::string format_failed(const ProgressCounts& counts) {
    if (counts.failed_attempts > counts.failed) {
        return fmt::format("{} failed ({} attempts)", counts.failed, counts.failed_attempts);
    }
    return fmt::format("{} failed", counts.failed);
}

std::string format_progress_line(const ProgressCounts& counts) {
    const double minutes = counts.elapsed_s / 60.0;
    const double rate = minutes > 0 ? static_cast<double>(counts.done) / minutes : 0.0;
    const std::int64_t claimed = counts.in_flight + counts.claimed_ahead;
    std::string eta = "-";
    if (claimed == 0) {
        eta = "0:00";
    } else if (rate > 0) {
        eta = format_clock(static_cast<double>(claimed) / rate * 60.0);
    }
    return fmt::format(
        "progress: {} done, {}, {} in flight, {} claimed ahead | {:.1f} runs/min | ETA {}",
        counts.done,
        format_failed(counts),
        counts.in_flight,
        counts.claimed_ahead,
        rate,
        eta);
}

std::string describe_experiment(const common::ExperimentConfig& config) {
    return fmt::format("{} {} depth {} size {}",
                       config.dataset,
                       common::to_text(config.shape),
                       config.depth,
                       config.size);
}

}  // namespace joulesweep::coordinator
