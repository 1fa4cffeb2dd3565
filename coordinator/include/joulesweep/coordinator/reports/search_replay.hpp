#pragma once
// The size search replayed on a dataset's stored runs (docs/train-for-less.md): "what
// would a search have cost here?" For each group of the dataset (an experiment without
// its size) on each hardware class, repetition i of every stored size stands for the
// attempt at that size in replay i; the group reports the median over replays of what
// the search spent next to E*, s_opt, s_min and Q of the same runs, and R = E_search / E*.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/common/name_table.hpp"
#include "joulesweep/common/size_choice.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/coordinator/db/database.hpp"

namespace joulesweep::coordinator {

// What a replay searches and compares: net or gross joules per epoch, or floating-point
// operations (the hardware-independent measure: flops_per_epoch x epochs).
enum class CostMeasure { kNet, kGross, kFlops };

inline constexpr common::NameTable<CostMeasure, 3> kCostMeasureNames{
    "cost measure",
    {{{CostMeasure::kNet, "net"}, {CostMeasure::kGross, "gross"}, {CostMeasure::kFlops, "flops"}}}};

struct SearchReplayRequest {
    std::string dataset;
    std::string monitored = "validation";  // or "test" (BUTTER-compatible)
    CostMeasure energy = CostMeasure::kNet;
    common::SearchSpec spec;          // ladder, cap and failure rule (spec.target unused)
    std::vector<double> targets;      // each group is replayed to each
    std::vector<std::string> shapes;  // empty: every shape stored
    std::vector<int> depths;          // empty: every depth stored
};

struct GroupReplay {
    std::string group_key;
    std::string hardware;
    double target = 0.0;
    int sizes = 0;    // sizes stored for the group
    int replays = 0;  // repetition indices every stored size has
    int replays_found = 0;
    double search_j = common::kUnreached;    // median over replays; +inf when most failed
    double search_epochs = 0.0;              // median over replays
    std::optional<std::int64_t> size_found;  // the median replay's size (lower middle)
    common::SizeChoice choice;               // E* (in the request's joules), s_opt, s_min, Q
    // R = search_j / E*, when both are finite and E* is above 0 (net joules of tiny runs
    // can be 0 or below: they drew no more than the node's idle power).
    std::optional<double> ratio;
    // R's two terms (M4 of the specification), medians over the replays that found a
    // size: the successful attempt's joules, and the failed attempts' before it.
    double hit_j = common::kUnreached;
    double fail_j = common::kUnreached;
    // The largest stored size (s_max): the median over its runs of their joules over the
    // whole budget (the first epoch_cap epochs), and its median cost to the target (M5).
    // Like E*, both read no epoch past the cap: a replay answers for budget T = epoch_cap.
    std::int64_t largest_size = 0;
    double full_j = common::kUnreached;
    double largest_to_target_j = common::kUnreached;
};

// BUTTER-E's 200 log-spaced loss levels of the dataset (dataset_loss_levels(), migration
// 0016), every `step`-th from the first.
std::vector<double> dataset_loss_levels(Database& database,
                                        const std::string& dataset,
                                        const std::string& monitored,
                                        int step);

// Reads the dataset's measured runs with their monitored series and replays the search
// on each group, to each target (one GroupReplay per group, hardware class and target). Groups
// without a measured run of every size they store are left out of no replay: a size missing at
// repetition i is skipped in replay i, as an unbuildable size is.
std::vector<GroupReplay> replay_searches(Database& database, const SearchReplayRequest& request);

}  // namespace joulesweep::coordinator
