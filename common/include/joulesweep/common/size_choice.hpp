#pragma once
// Within one group (an experiment with its size removed, on one hardware class) and one
// target loss: the minimum energy to reach the target over the sizes, the size that
// spends it, the smallest size that reaches the target at all, and their ratio
// (docs/train-for-less.md; the talk's claim 3 is Q <= 4).

#include <cstdint>
#include <optional>
#include <vector>

namespace joulesweep::common {

// One size of a group and its experiment's cost to target (median over repetitions;
// kUnreached when the experiment does not reach the target).
struct SizeCost {
    std::int64_t size = 0;
    double cost = 0.0;
};

struct SizeChoice {
    double minimum_cost;                        // E*: kUnreached when no size reaches
    std::optional<std::int64_t> optimal_size;   // s_opt: the smallest size costing E*
    std::optional<std::int64_t> smallest_size;  // s_min: the smallest size that reaches
    std::optional<double> size_ratio;           // Q = s_opt / s_min
};

SizeChoice choose_size(const std::vector<SizeCost>& costs);

}  // namespace joulesweep::common
