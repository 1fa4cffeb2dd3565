#pragma once
// A queue to test against: pending runs of one experiment, a coordinator registration,
// results to complete claimed runs with, and options without backoff.

#include <string>
#include <vector>

#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

namespace joulesweep::testing {

// Migrates `database` and adds `count` pending runs of one experiment (529_pollen,
// rectangle, depth 3, 3 epochs); run i has priority priorities[i % priorities.size()].
void enqueue_runs(coordinator::Database& database,
                  int count,
                  const std::vector<int>& priorities = {0});

// This process on `host`, with 2 workers.
coordinator::CoordinatorRegistration registration(const std::string& host);

// A plausible result for a claimed run: `epochs` epochs of every statistic.
common::RunOutcome completion_for(const coordinator::ClaimedRun& claimed, int epochs = 3);
std::vector<common::RunOutcome> completions_for(const std::vector<coordinator::ClaimedRun>& claimed,
                                                int epochs = 3);

// A 60 s lease and no retry backoff, so retries are claimable at once.
coordinator::QueueOptions fast_options();

}  // namespace joulesweep::testing
