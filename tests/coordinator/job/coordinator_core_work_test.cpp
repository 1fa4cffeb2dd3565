// CoordinatorCore at work (coordinator_core_work.cpp): claims, dispatch, batches, the
// lease, outages and failures.

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/job/coordinator_core.hpp"

#include "coordinator_job.hpp"

namespace joulesweep::coordinator {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CoordinatorJob;
using testing::quick_options;

}  // namespace

TEST_CASE(
    "CoordinatorCore: claims for the idle workers plus the prefetch, and a finishing "
    "worker gets a claimed run before any database work",
    "[coordinator][core]") {
    CoordinatorJob job(3, 10, quick_options());
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
    CoordinatorJob job(2, 10, options);
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
    CoordinatorJob job(1, 5, quick_options());
    job.start();
    CHECK(job.queue.heartbeats == 0);
    CHECK(job.queue.reaps == 1);  // at registration
    job.pass(seconds(9));
    CHECK(job.queue.heartbeats == 0);
    job.pass(seconds(1));
    CHECK(job.queue.heartbeats == 1);
    CHECK(job.queue.reaps == 2);
    job.queue.to_reap = {{40, false}, {41, true}};
    job.pass(seconds(10));
    CHECK(
        job.logged("reaped 2 runs of expired coordinators (1 back in the queue, 1 "
                   "dead-lettered after too many losses)"));
}

TEST_CASE("CoordinatorCore: a lost lease cancels the running runs and stores nothing more",
          "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.flush_interval = seconds(60);
    CoordinatorJob job(2, 10, options);
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
    CoordinatorJob job(2, 10, options);
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

TEST_CASE("CoordinatorCore: --max-runs claims no more than that many runs", "[coordinator][core]") {
    CoordinatorOptions options = quick_options();
    options.max_runs = 3;
    CoordinatorJob job(2, 10, options);
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

TEST_CASE(
    "CoordinatorCore: a worker's transient failure is retried, a permanent one "
    "dead-lettered",
    "[coordinator][core]") {
    CoordinatorJob job(2, 10, quick_options());
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

TEST_CASE("CoordinatorCore: running runs' epochs reach the queue every 2 s",
          "[coordinator][core]") {
    CoordinatorJob job(1, 3, quick_options());
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

namespace joulesweep::coordinator {

TEST_CASE("CoordinatorCore: a search's attempts are stored as they come, and the final one ends it",
          "[coordinator][core][search]") {
    testing::CoordinatorJob job(1, 3, testing::quick_options());
    job.start();
    const common::RunAssignment run = job.workers.run_of(1);
    common::SearchAttemptReport report;
    report.run_id = run.run_id;
    report.attempt = run.attempt;
    report.record.size = 32;
    report.record.outcome = common::AttemptOutcome::kFailedTrigger;
    job.core.worker_attempt(1, report, job.clock.now());
    job.step();  // attempts are written at once, not batched
    CHECK(job.queue.attempts == std::vector<std::pair<std::int64_t, int>>{{run.run_id, 0}});
    CHECK(job.queue.done.empty());
    CHECK(job.logged("search run 1 attempt 0 on rank 1"));
    CHECK(job.logged("at size 32, failed_trigger after 0 epochs"));

    // A later claim's attempt for another run, or a stale one, is ignored.
    report.run_id = run.run_id + 1;
    job.core.worker_attempt(1, report, job.clock.now());
    job.step();
    CHECK(job.queue.attempts.size() == 1);

    report.run_id = run.run_id;
    report.record.attempt = 1;
    report.record.size = 64;
    report.record.outcome = common::AttemptOutcome::kReached;
    report.record.best_loss = 0.25;
    report.final = true;
    job.core.worker_attempt(1, report, job.clock.now());
    job.core.worker_ready(1);
    job.step();
    CHECK(job.queue.attempts.size() == 2);
    CHECK(job.queue.done == std::vector<std::int64_t>{run.run_id});
    CHECK(job.logged("reached after 0 epochs, best loss 0.25; the search is done"));
    CHECK(job.workers.run_of(1).run_id != run.run_id);  // the worker has its next run
}

}  // namespace joulesweep::coordinator
