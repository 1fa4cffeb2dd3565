#pragma once
// Energy to a target loss (docs/train-for-less.md): the first epoch at which a run's
// best-so-far monitored loss is at or below a target, what the run had spent by then,
// and the per-experiment median over repetitions. The definitions the SQL functions of
// migration 0016, the live size search and its offline replay all share; the tests
// check the SQL against these.

#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace joulesweep::common {

// What "never reached" costs: +infinity, so that minima and medians treat it as worse
// than any finite cost.
inline constexpr double kUnreached = std::numeric_limits<double>::infinity();

// b_e = min(b_{e-1}, v_e) with b_0 = +infinity and NaN read as +infinity: a diverged
// epoch never improves on a finite one.
std::vector<double> best_so_far(std::span<const float> losses);

// The first epoch (1-based) whose best-so-far loss is <= target, or nullopt.
std::optional<int> first_epoch_reaching(std::span<const float> losses, double target);

// The sum of the first `epochs` values (all of them when there are fewer).
double sum_of_first(std::span<const float> per_epoch, int epochs);

// One run's cost to reach a target: the epoch, and the joules (net and gross, summed
// over the epochs up to and including it) and operations spent by then. Every cost is
// kUnreached when the run never reached the target.
struct CostToTarget {
    std::optional<int> epoch;
    double net_j = kUnreached;
    double gross_j = kUnreached;
    double flops = kUnreached;
};

// A run's per-epoch record, as stored: its monitored loss, joules per epoch and the
// operations of one epoch (constant for a run: its network and rows do not change).
struct RunHistory {
    std::span<const float> monitored_loss;
    std::span<const float> net_j;
    std::span<const float> gross_j;
    double flops_per_epoch = 0.0;
};

CostToTarget cost_to_target(const RunHistory& run, double target);

// A run's progress on one monitored series, as run_progress stores it (migration 0016):
// the epochs (1-based) at which the best-so-far loss fell, that loss, and the cumulative
// joules at those epochs (empty when the run has no joules). A target's first epoch is
// the first entry whose loss is at or below it.
struct LossStaircase {
    std::vector<int> improved_epoch;
    std::vector<float> best_loss;
    std::vector<double> net_j;
    std::vector<double> gross_j;
};

LossStaircase progress_of(const RunHistory& run);

// The median as PostgreSQL's percentile_cont(0.5) computes it (the mean of the two
// middle values of an even count), with kUnreached as +infinity: finite only when more
// than half of the values are. Empty input gives kUnreached.
double median_cost(std::vector<double> costs);

}  // namespace joulesweep::common
