#include "joulesweep/coordinator/job/coordinator_core.hpp"

#include <sstream>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "fake_coordinator_ports.hpp"

namespace joulesweep::coordinator {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::outcome_for;

// A coordinator over fakes: `workers` ranks, `runs` runs in the queue, a clock that
// moves only when the test says so.
struct Job {
    Job(int worker_count, int runs, CoordinatorOptions job_options)
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
        REQUIRE(core.phase() == CoordinatorPhase::kRunning);
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

    CoordinatorOptions options;
    testing::FakeClock clock;
    testing::FakeWorkers workers;
    testing::FakeQueue queue;
    testing::FakeShard shard;
    std::ostringstream log;
    CoordinatorCore core;
};

CoordinatorOptions quick_options() {
    CoordinatorOptions options;
    options.queue.lease = seconds(30);
    options.flush_interval = milliseconds(500);
    options.progress_interval = seconds(3600);
    return options;
}

}  // namespace

TEST_CASE(
    "CoordinatorCore: claims for the idle workers plus the prefetch, and a finishing "
    "worker gets a claimed run before any database work",
    "[coordinator][core]") {
    Job job(3, 10, quick_options());
    job.start();
    CHECK(job.shard.opened);
    CHECK(job.logged("coordinator 7 started: 3 workers, lease 30 s, shard shard-7.h5"));
    CHECK(job.queue.claim_counts == std::vector<int>{4});
    REQUIRE(job.workers.assigned.size() == 3);
    CHECK(job.core.counts().claimed_ahead == 1);
    CHECK(job.core.counts().in_flight == 3);

    job.finish(2);
    job.step();
    CHECK(job.workers.run_of(2).run_id == 4);
    CHECK(job.queue.claim_counts == std::vector<int>{4, 1});  // the prefetch refilled
    CHECK(job.queue.done.empty());                            // the batch is not due yet

    job.pass(milliseconds(500));
    CHECK(job.queue.done == std::vector<std::int64_t>{2});
    CHECK(job.shard.runs == std::vector<std::int64_t>{2});
    CHECK(job.logged("run 2 done on rank 2: banana rectangle depth 2 size 32 rep 0, 2 epochs"));
}

TEST_CASE("CoordinatorCore: a full batch is stored at once, in one transaction",
          "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.flush_batch = 2;
    options.flush_interval = seconds(60);
    Job job(2, 10, options);
    job.start();
    job.finish(1);
    job.step();
    CHECK(job.queue.done.empty());
    job.finish(2);
    job.step();
    CHECK(job.queue.completion_batches == std::vector<int>{2});
    CHECK(job.queue.done.size() == 2);
}

TEST_CASE("CoordinatorCore: heartbeats at a third of the lease and reaps after each",
          "[coordinator][core]") {
    Job job(1, 5, quick_options());
    job.start();
    CHECK(job.queue.heartbeats == 0);
    CHECK(job.queue.reaps == 1);  // at registration
    job.pass(seconds(9));
    CHECK(job.queue.heartbeats == 0);
    job.pass(seconds(1));
    CHECK(job.queue.heartbeats == 1);
    CHECK(job.queue.reaps == 2);
    job.queue.to_reap = {{40, "pending"}, {41, "failed"}};
    job.pass(seconds(10));
    CHECK(
        job.logged("reaped 2 runs of expired coordinators (1 back in the queue, 1 "
                   "dead-lettered after too many losses)"));
}

TEST_CASE("CoordinatorCore: a lost lease cancels the running runs and stores nothing more",
          "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.flush_interval = seconds(60);
    Job job(2, 10, options);
    job.start();
    job.finish(1);  // a result waits for its batch
    job.step();
    job.queue.lease_alive = false;
    job.pass(seconds(10));
    CHECK(job.logged("lease was lost"));
    CHECK(job.core.phase() == CoordinatorPhase::kStopping);
    CHECK(job.workers.cancelled.size() == 2);
    for (const auto& [rank, run] : job.workers.cancelled) {
        job.core.worker_cancelled(rank, run);
    }
    job.step();  // stopping → storing
    job.step();  // storing → stopping workers
    CHECK(job.queue.done.empty());
    CHECK(job.queue.released.empty());  // the queue owns those runs again
    CHECK_FALSE(job.queue.exited);
    CHECK(job.stop_all() == 1);
}

TEST_CASE(
    "CoordinatorCore: a database outage holds the results while workers keep training "
    "what was claimed, and stores them after the reconnect",
    "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.prefetch = 2;
    Job job(2, 10, options);
    job.start();
    REQUIRE(job.core.counts().claimed_ahead == 2);
    job.queue.reachable = false;
    job.finish(1);
    job.step();
    CHECK(job.workers.run_of(1).run_id == 3);  // from the prefetch, no database needed
    job.pass(seconds(11));                     // a heartbeat fails: the lease is not given up
    job.finish(2);
    job.pass(seconds(5));
    CHECK(job.workers.run_of(2).run_id == 4);
    CHECK(job.queue.done.empty());
    CHECK(job.core.phase() == CoordinatorPhase::kRunning);

    job.queue.reachable = true;
    job.pass(milliseconds(10));
    CHECK(job.queue.completion_batches == std::vector<int>{2});
    CHECK(job.queue.done == std::vector<std::int64_t>{1, 2});
    CHECK(job.shard.runs == std::vector<std::int64_t>{1, 2});
}

TEST_CASE(
    "CoordinatorCore: a first signal drains: no more claims, the prefetched runs go "
    "back, running runs finish and are stored",
    "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.term_grace = seconds(5);
    Job job(2, 10, options);
    job.start();
    REQUIRE(job.queue.claim_counts == std::vector<int>{3});
    job.core.shutdown_signals(1, true);
    job.step();
    CHECK(
        job.logged("shutdown signal (SIGTERM): draining (no more claims; running runs have "
                   "5 s)"));
    CHECK(job.queue.draining);
    CHECK(job.queue.released == std::vector<std::int64_t>{3});
    job.finish(1);
    job.step();
    CHECK(job.queue.claim_counts.size() == 1);
    CHECK(job.core.phase() == CoordinatorPhase::kDraining);
    job.finish(2);
    job.step();
    CHECK(job.logged("drain complete: every running run finished"));
    job.step();
    CHECK(job.queue.done == std::vector<std::int64_t>{1, 2});
    CHECK(job.queue.exited);
    CHECK(job.workers.stopped == std::vector<int>{1, 2});
    CHECK(job.stop_all() == 0);
    CHECK(
        job.logged("coordinator 7 exited after 0:00: 2 runs done, 0 failed, 0 refused, shard "
                   "shard-7.h5 holds 2 runs"));
    CHECK(job.logged("overhead: coordinator thread CPU 0.050 s = 0.250% of the workers' 20.0 s"));
}

TEST_CASE("CoordinatorCore: a signal to a worker rank drains with the ordinary grace",
          "[coordinator][core]") {
    Job job(2, 10, quick_options());
    job.start();
    job.core.worker_signal(1);
    job.step();
    CHECK(job.logged("shutdown signal: draining (no more claims; running runs have 60 s)"));
}

TEST_CASE("CoordinatorCore: a second signal releases and cancels the running runs",
          "[coordinator][core]") {
    Job job(2, 10, quick_options());
    job.start();
    job.core.shutdown_signals(1, false);
    job.step();
    job.core.shutdown_signals(2, false);
    job.step();
    CHECK(job.logged("second shutdown signal: releasing every claimed run and stopping now"));
    CHECK(job.workers.cancelled.size() == 2);
    CHECK(job.queue.released == std::vector<std::int64_t>{3, 1, 2});
    for (const auto& [rank, run] : job.workers.cancelled) {
        job.core.worker_cancelled(rank, run);
    }
    job.step();
    job.step();
    CHECK(job.queue.done.empty());
    CHECK(job.stop_all() == 0);
}

TEST_CASE(
    "CoordinatorCore: when the grace is over, the running runs are released and "
    "cancelled",
    "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.grace = seconds(20);
    Job job(2, 10, options);
    job.start();
    job.core.shutdown_signals(1, false);
    job.step();
    job.pass(seconds(19));
    CHECK(job.workers.cancelled.empty());
    job.pass(seconds(1));
    CHECK(job.logged("grace period of 20 s over with 2 runs still running"));
    CHECK(job.workers.cancelled.size() == 2);
}

TEST_CASE(
    "CoordinatorCore: a rank that does not abandon its run, or does not stop, ends "
    "the job",
    "[coordinator][core]") {
    SECTION("no kCancelled within the patience") {
        Job job(2, 10, quick_options());
        job.start();
        job.core.shutdown_signals(2, false);
        job.step();
        job.core.worker_cancelled(1, job.workers.cancelled.at(0).second);
        job.pass(CoordinatorCore::kCancelPatience - seconds(1));
        CHECK_FALSE(job.workers.aborted);
        job.pass(seconds(1));
        CHECK(job.logged("1 workers did not abandon their runs within 15 s"));
        CHECK(job.workers.aborted == 1);
        CHECK(job.core.finished());
    }
    SECTION("no kStopped within the patience") {
        CoordinatorOptions options = quick_options();
        options.max_runs = 2;
        Job job(2, 10, options);
        job.start();
        job.finish(1);
        job.finish(2);
        job.pass(milliseconds(500));  // stored: nothing left, so the job ends
        job.step();
        REQUIRE(job.core.phase() == CoordinatorPhase::kStoppingWorkers);
        job.core.worker_stopped(1, {});
        job.pass(CoordinatorCore::kStopPatience);
        CHECK(job.logged("error: 1 workers did not stop within 30 s; aborting the job"));
        CHECK(job.workers.aborted == 1);
        CHECK(job.core.report(0, job.clock.now()) == 1);
    }
}

TEST_CASE("CoordinatorCore: --max-runs claims no more than that many runs", "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.max_runs = 3;
    Job job(2, 10, options);
    job.start();
    CHECK(job.queue.claim_counts == std::vector<int>{3});
    job.finish(1);
    job.finish(2);
    job.step();
    job.finish(1);
    job.step();
    CHECK(job.queue.claim_counts == std::vector<int>{3});
    job.pass(milliseconds(500));
    job.step();
    CHECK(job.queue.done.size() == 3);
    CHECK(job.stop_all() == 0);
}

TEST_CASE("CoordinatorCore: --time-limit drains as a first signal does", "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.time_limit = seconds(60);
    options.grace = seconds(10);
    Job job(1, 10, options);
    job.start();
    job.pass(seconds(59));
    CHECK(job.core.phase() == CoordinatorPhase::kRunning);
    job.pass(seconds(1));
    CHECK(job.logged("time limit of 60 s reached"));
    CHECK(job.core.phase() == CoordinatorPhase::kDraining);
    CHECK(job.queue.draining);
}

TEST_CASE(
    "CoordinatorCore: a worker's transient failure is retried, a permanent one "
    "dead-lettered",
    "[coordinator][core]") {
    Job job(2, 10, quick_options());
    job.start();
    const common::RunAssignment first = job.workers.run_of(1);
    const common::RunAssignment second = job.workers.run_of(2);
    job.core.worker_failure(
        1,
        common::RunFailure{first.run_id, first.attempt, "std::bad_alloc", false},
        job.clock.now());
    job.core.worker_failure(
        2, common::RunFailure{second.run_id, second.attempt, "bad shape", true}, job.clock.now());
    job.step();
    CHECK(job.logged("run 1 (banana rectangle depth 2 size 32) failed on rank 1: std::bad_alloc"));
    CHECK(job.logged("run 1 will be retried after a backoff"));
    CHECK(job.logged("run 2 dead-lettered (permanent, or too many failures)"));
    CHECK(job.queue.failures.size() == 2);
    CHECK(job.core.counts().failed == 2);
    CHECK(job.core.counts().failed_attempts == 2);
}

TEST_CASE("CoordinatorCore: registration waits up to one lease for the database",
          "[coordinator][core]") {
    SECTION("and registers when it comes back") {
        Job job(1, 1, quick_options());
        job.queue.reachable = false;
        job.step();
        job.pass(seconds(20));
        job.queue.reachable = true;
        job.step();
        CHECK(job.core.phase() == CoordinatorPhase::kRegistering);  // retries every 100 ms
        job.pass(CoordinatorCore::kRegisterRetry);
        CHECK(job.core.phase() == CoordinatorPhase::kRunning);
    }
    SECTION("and then gives up") {
        Job job(1, 1, quick_options());
        job.queue.reachable = false;
        job.pass(seconds(30));
        CHECK_THROWS_AS(job.pass(seconds(1)), common::DatabaseError);
    }
}

TEST_CASE(
    "CoordinatorCore: the job ends when the queue is empty after the last run, or "
    "keeps polling with --wait",
    "[coordinator][core]") {
    const bool wait = GENERATE(false, true);
    CoordinatorOptions options = quick_options();
    options.wait = wait;
    Job job(1, 1, options);
    job.start();
    job.finish(1);
    job.step();  // stores nothing yet; the claim for the free worker finds nothing
    job.pass(seconds(1));
    job.pass(seconds(5));
    if (wait) {
        CHECK(job.core.phase() == CoordinatorPhase::kRunning);
        CHECK(job.queue.claim_counts.size() >= 3);  // one every --empty-poll
    } else {
        CHECK(job.core.phase() == CoordinatorPhase::kStoppingWorkers);
        CHECK(job.queue.done == std::vector<std::int64_t>{1});
        CHECK(job.stop_all() == 0);
    }
}

TEST_CASE("CoordinatorCore: running runs' epochs reach the queue every 2 s",
          "[coordinator][core]") {
    Job job(1, 3, quick_options());
    job.start();
    const common::RunAssignment run = job.workers.run_of(1);
    job.core.worker_progress(1, common::RunProgress{run.run_id, run.attempt, 3, 10, 0.5F});
    job.pass(seconds(1));
    CHECK(job.queue.progress.empty());
    job.pass(seconds(1));
    REQUIRE(job.queue.progress.size() == 1);
    CHECK(job.queue.progress[0].epoch == 3);
}

}  // namespace joulesweep::coordinator
