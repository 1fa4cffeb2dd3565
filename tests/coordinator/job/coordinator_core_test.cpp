#include "joulesweep/coordinator/job/coordinator_core.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "coordinator_job.hpp"

namespace joulesweep::coordinator {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CoordinatorJob;
using testing::quick_options;

}  // namespace

// Phases: registration, drains and stops, the end of a job.

TEST_CASE(
    "CoordinatorCore: a first signal drains: no more claims, the prefetched runs go "
    "back, running runs finish and are stored",
    "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.term_grace = seconds(5);
    CoordinatorJob job(2, 10, options);
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
    CoordinatorJob job(2, 10, quick_options());
    job.start();
    job.core.worker_signal(1);
    job.step();
    CHECK(job.logged("shutdown signal: draining (no more claims; running runs have 60 s)"));
}

TEST_CASE("CoordinatorCore: a second signal releases and cancels the running runs",
          "[coordinator][core]") {
    CoordinatorJob job(2, 10, quick_options());
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
    CoordinatorJob job(2, 10, options);
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
        CoordinatorJob job(2, 10, quick_options());
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
        CoordinatorJob job(2, 10, options);
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

TEST_CASE("CoordinatorCore: --time-limit drains as a first signal does", "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.time_limit = seconds(60);
    options.grace = seconds(10);
    CoordinatorJob job(1, 10, options);
    job.start();
    job.pass(seconds(59));
    CHECK(job.core.phase() == CoordinatorPhase::kRunning);
    job.pass(seconds(1));
    CHECK(job.logged("time limit of 60 s reached"));
    CHECK(job.core.phase() == CoordinatorPhase::kDraining);
    CHECK(job.queue.draining);
}

TEST_CASE("CoordinatorCore: registration waits up to one lease for the database",
          "[coordinator][core]") {
    SECTION("and registers when it comes back") {
        CoordinatorJob job(1, 1, quick_options());
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
        CoordinatorJob job(1, 1, quick_options());
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
    CoordinatorJob job(1, 1, options);
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

}  // namespace joulesweep::coordinator
