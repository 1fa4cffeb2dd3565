#pragma once
// The coordinator's log: one line per event, stamped with the time since the job
// started. The time is given by the caller, so a test's fake clock stamps its lines.

#include <chrono>
#include <ostream>
#include <string>

namespace joulesweep::coordinator {

class JobLog {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    JobLog(std::ostream& out, TimePoint started) : out_(out), started_(started) {}

    // "[    0:07] line", flushed at once (the log is how an operator follows a job).
    void say(TimePoint now, const std::string& line);

    double elapsed_s(TimePoint now) const;

    TimePoint started() const noexcept { return started_; }

private:
    std::ostream& out_;
    TimePoint started_;
};

}  // namespace joulesweep::coordinator
