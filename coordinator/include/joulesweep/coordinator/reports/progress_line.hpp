#pragma once
// The coordinator's progress line and per-run line, as printed to its log.

#include <optional>
#include <string>

#include "joulesweep/common/experiment_config.hpp"

namespace joulesweep::coordinator {

struct ProgressCounts {
    std::int64_t done = 0;
    std::int64_t failed = 0;           // runs a worker reported failing
    std::int64_t failed_attempts = 0;  // the failures reported: a retried run counts each
    std::int64_t in_flight = 0;
    std::int64_t claimed_ahead = 0;  // claimed, not yet started
    double elapsed_s = 0;
};

// "2 failed", or "2 failed (5 attempts)" when some failed more than once.
std::string format_failed(const ProgressCounts& counts);

// "progress: 12 done, 1 failed, 3 in flight, 2 claimed ahead | 14.2 runs/min | ETA 0:21"
// The ETA covers the claimed work (in flight and ahead) at the rate so far; "ETA -"
// before the first run finishes.
std::string format_progress_line(const ProgressCounts& counts);

// "0:07", "12:34", "1:02:03" (hours are not capped).
std::string format_clock(double seconds);

// "529_pollen rectangle depth 3 size 1024"
std::string describe_experiment(const common::ExperimentConfig& config);

}  // namespace joulesweep::coordinator
