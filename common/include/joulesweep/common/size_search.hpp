#pragma once
// The exponential size search (docs/train-for-less.md): train sizes s0, r*s0, r^2*s0, ...
// with fresh weights, each until its best-so-far monitored loss reaches the target
// (success: the search stops) or its failure rule gives up on it (the next size is
// tried). One attempt's rules live in AttemptMonitor, shared by the live search and by
// replay_search, which runs the same algorithm on stored runs of a static size grid.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/energy_to_target.hpp"
#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/name_table.hpp"

namespace joulesweep::common {

// When an attempt is given up (§3.3 of the specification):
// - kProportional(δ, P): after each epoch, an improvement is a loss below best·(1 − δ);
//   give up after max(P, 1) epochs in a row without one (NaN never improves). The
//   intended patience of BUTTER's ProportionalStopping, as Keras ≥ 2.12 counts it.
// - kFull: only at the epoch cap.
// - kCap(T): at T epochs (below the search's cap).
// - kCostCap(β): once the attempt's joules exceed β × a reference cost, the cheapest
//   earlier success of the same search (group and target); without one, as kFull.
enum class FailureKind : std::int8_t { kProportional, kFull, kCap, kCostCap };

inline constexpr NameTable<FailureKind, 4> kFailureKindNames{
    "failure rule",
    {{{FailureKind::kProportional, "proportional"},
      {FailureKind::kFull, "full"},
      {FailureKind::kCap, "cap"},
      {FailureKind::kCostCap, "cost_cap"}}}};

struct FailureRule {
    FailureKind kind = FailureKind::kProportional;
    double min_delta = 0.001;  // kProportional: δ
    int patience = 16;         // kProportional: P
    int epoch_cap = 0;         // kCap: T
    double cost_factor = 2.0;  // kCostCap: β

    // "proportional(0.001, 16)", "full", "cap(300)", "cost_cap(2)".
    std::string text() const;
};

// Parses what text() writes; throws ConfigError naming the problem.
FailureRule parse_failure_rule(std::string_view text);

// How one attempt ended.
enum class AttemptOutcome : std::int8_t {
    kReached,        // its best-so-far loss reached the target: the search succeeded
    kFailedTrigger,  // the failure rule gave up on it
    kFailedCap,      // it trained to the epoch cap (or, replayed, to its stored end)
    kDiverged,       // its loss became NaN or infinite
    kSkipped,        // no network of this size can be built for the dataset
};

inline constexpr NameTable<AttemptOutcome, 5> kAttemptOutcomeNames{
    "attempt outcome",
    {{{AttemptOutcome::kReached, "reached"},
      {AttemptOutcome::kFailedTrigger, "failed_trigger"},
      {AttemptOutcome::kFailedCap, "failed_cap"},
      {AttemptOutcome::kDiverged, "diverged"},
      {AttemptOutcome::kSkipped, "skipped"}}}};

// One attempt's decisions, epoch by epoch.
class AttemptMonitor {
public:
    // `epoch_cap`: the search's cap T; `reference_j`: the kCostCap reference, if any.
    AttemptMonitor(const FailureRule& rule,
                   double target,
                   int epoch_cap,
                   std::optional<double> reference_j = std::nullopt);

    // After each epoch, with its monitored loss and the attempt's joules so far: nullopt
    // to go on, or how the attempt ends. Success is checked before any failure rule.
    std::optional<AttemptOutcome> after_epoch(float loss, double attempt_j);

    double best_loss() const noexcept { return best_; }

    int epochs() const noexcept { return epoch_; }

private:
    FailureRule rule_;
    double target_;
    int epoch_cap_;
    std::optional<double> reference_j_;
    int epoch_ = 0;
    double best_ = kUnreached;       // best-so-far loss (NaN as +infinity)
    double rule_best_ = kUnreached;  // kProportional's reference loss
    int wait_ = 0;
};

struct SearchSpec {
    double target = 0.0;           // on the monitored loss
    double ladder_factor = 2.0;    // r
    std::int64_t start_size = 32;  // s0
    std::int64_t max_size = std::int64_t{1} << 24;
    int epoch_cap = 3000;  // T, per attempt
    FailureRule failure;
};

// A search experiment's spec: size is s0, epochs the cap T, the search_* fields the rest.
// Throws ConfigError when the experiment is not a valid search.
SearchSpec search_spec_of(const ExperimentConfig& config);

// The seed of attempt j of a search run with seed `seed`: independent draws per attempt,
// the same on every machine (a resumed search retrains an attempt with the same seed).
std::int64_t attempt_seed(std::int64_t seed, int attempt) noexcept;

// s0, r*s0, r^2*s0, ... up to max_size (each rounded down to a whole parameter count,
// repeats dropped). Throws ConfigError for a factor not above 1 or an empty ladder.
std::vector<std::int64_t> size_ladder(const SearchSpec& spec);

struct AttemptRecord {
    int attempt = 0;  // 0, 1, ... in ladder order
    std::int64_t size = 0;
    AttemptOutcome outcome = AttemptOutcome::kSkipped;
    int epochs = 0;                 // epochs trained (0 when skipped)
    double best_loss = kUnreached;  // best-so-far at the end
    double net_j = 0.0;
    double gross_j = 0.0;
    double flops = 0.0;
};

struct SearchOutcome {
    std::vector<AttemptRecord> attempts;
    std::optional<std::int64_t> size_found;  // the size whose attempt reached the target
    // Everything spent, failed attempts included; the search's E_search when it
    // succeeded (size_found), kUnreached-free totals either way.
    double net_j = 0.0;
    double gross_j = 0.0;
    double flops = 0.0;
    int epochs = 0;
};

// A stored run as a replayed attempt sees it: its history and whether it diverged (its
// arrays then end at the epoch that did).
struct StoredAttempt {
    RunHistory history;
    bool diverged = false;
};

// The search replayed on stored runs (§3.5, run-level): `stored(size)` gives the run
// that stands for an attempt at that size (one repetition of the experiment at that
// size), or nullopt when the grid holds none (the size is skipped at no cost).
SearchOutcome replay_search(
    const SearchSpec& spec,
    const std::function<std::optional<StoredAttempt>(std::int64_t size)>& stored,
    std::optional<double> reference_j = std::nullopt);

}  // namespace joulesweep::common
