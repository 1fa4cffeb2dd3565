#pragma once
// Writing a planned sweep into the queue in one transaction with COPY: new experiments,
// their sweep labels, and the runs each lacks. Re-enqueueing the same sweep adds nothing;
// raising a repetition count adds only the missing runs. Seeds are derived in SQL from
// the experiment key and repetition, so they are the same whoever enqueues.

#include <cstdint>

#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

namespace joulesweep::coordinator {

struct EnqueueReport {
    std::int64_t experiments_added = 0;
    std::int64_t experiments_existing = 0;
    std::int64_t runs_added = 0;
};

EnqueueReport enqueue_plan(Database& database, const SweepPlan& plan);

}  // namespace joulesweep::coordinator
