#pragma once
// What `enqueue` and `search` share: a plan's report per dataset, and writing the plan to
// the queue in one transaction.

#include <optional>

#include "joulesweep/app/command.hpp"
#include "joulesweep/coordinator/sweeps/enqueuer.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

namespace joulesweep::app {

// Experiments, runs, skipped points and estimated work per dataset, then the totals.
void print_plan(const coordinator::SweepPlan& plan);

// The plan into the queue, in one transaction: a failure (a server down, a schema not
// migrated) says that nothing was written, keeping the error's kind.
coordinator::EnqueueReport write_plan(const coordinator::SweepPlan& plan, CommandContext& context);

// print_plan, then write_plan unless `dry_run` (which says that nothing was written and
// gives nullopt).
std::optional<coordinator::EnqueueReport> print_and_write_plan(const coordinator::SweepPlan& plan,
                                                               bool dry_run,
                                                               CommandContext& context);

}  // namespace joulesweep::app
