#include "joulesweep/coordinator/job/job_log.hpp"

#include <fmt/format.h>

#include "joulesweep/coordinator/reports/progress_line.hpp"

namespace joulesweep::coordinator {

void JobLog::say(TimePoint now, const std::string& line) {
    out_ << fmt::format("[{:>8}] {}\n", format_clock(elapsed_s(now)), line);
    out_.flush();
}

double JobLog::elapsed_s(TimePoint now) const {
    return std::chrono::duration<double>(now - started_).count();
}

}  // namespace joulesweep::coordinator
