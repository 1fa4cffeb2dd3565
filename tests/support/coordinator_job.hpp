#pragma once
// A CoordinatorCore over fakes for its unit tests: `workers` ranks, `runs` runs in the
// queue, a clock that moves only when the test says so.

#include <chrono>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/coordinator/job/coordinator_core.hpp"

#include "fake_coordinator_ports.hpp"

namespace joulesweep::testing {

struct CoordinatorJob {
    CoordinatorJob(int worker_count, int runs, coordinator::CoordinatorOptions job_options)
        : options(std::move(job_options)),
          workers(worker_count),
          queue(runs),
          core(options, workers, queue, shard, log, clock.now()) {}

    bool step() { return core.step(clock.now()); }

    void pass(std::chrono::steady_clock::duration by) {
        clock.advance(by);
        step();
    }

    // Registers, then every worker asks for a run.
    void start() {
        step();
        REQUIRE(core.phase() == coordinator::CoordinatorPhase::kRunning);
        for (int rank = 1; rank <= workers.worker_count(); ++rank) {
            core.worker_ready(rank);
        }
        step();
    }

    // `rank` finishes its run and asks for the next.
    void finish(int rank) {
        core.worker_result(rank, outcome_for(workers.run_of(rank)), clock.now());
        core.worker_ready(rank);
    }

    // Every worker answers kStop; the job then ends.
    int stop_all() {
        for (const int rank : workers.stopped) {
            core.worker_stopped(rank, common::WorkerTotals{1, 10.0, 0.1, 0.2, 0.3});
        }
        step();
        REQUIRE(core.finished());
        return core.report(0.05, clock.now());
    }

    bool logged(const std::string& text) const { return log.str().find(text) != std::string::npos; }

    coordinator::CoordinatorOptions options;
    FakeClock clock;
    FakeWorkers workers;
    FakeQueue queue;
    FakeShard shard;
    std::ostringstream log;
    coordinator::CoordinatorCore core;
};

inline coordinator::CoordinatorOptions quick_options() {
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    coordinator::CoordinatorOptions options;
    options.queue.lease = seconds(30);
    options.flush_interval = milliseconds(500);
    options.progress_interval = seconds(3600);
    return options;
}

}  // namespace joulesweep::testing
