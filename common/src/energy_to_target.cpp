#include "joulesweep/common/energy_to_target.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace joulesweep::common {

std::vector<double> best_so_far(std::span<const float> losses) {
    std::vector<double> best;
    best.reserve(losses.size());
    double so_far = kUnreached;
    for (const float loss : losses) {
        if (!std::isnan(loss)) {
            so_far = std::min(so_far, static_cast<double>(loss));
        }
        best.push_back(so_far);
    }
    return best;
}

std::optional<int> first_epoch_reaching(std::span<const float> losses, double target) {
    // The best-so-far first reaches the target where the loss itself first does.
    for (std::size_t index = 0; index < losses.size(); ++index) {
        if (!std::isnan(losses[index]) && static_cast<double>(losses[index]) <= target) {
            return static_cast<int>(index) + 1;
        }
    }
    return std::nullopt;
}

double sum_of_first(std::span<const float> per_epoch, int epochs) {
    const std::size_t count =
        std::min(per_epoch.size(), static_cast<std::size_t>(std::max(0, epochs)));
    double sum = 0.0;
    for (std::size_t index = 0; index < count; ++index) {
        sum += static_cast<double>(per_epoch[index]);
    }
    return sum;
}

CostToTarget cost_to_target(const RunHistory& run, double target) {
    CostToTarget cost;
    cost.epoch = first_epoch_reaching(run.monitored_loss, target);
    if (cost.epoch) {
        cost.net_j = sum_of_first(run.net_j, *cost.epoch);
        cost.gross_j = sum_of_first(run.gross_j, *cost.epoch);
        cost.flops = run.flops_per_epoch * *cost.epoch;
    }
    return cost;
}

LossStaircase progress_of(const RunHistory& run) {
    LossStaircase progress;
    const bool measured = !run.net_j.empty();
    float best = std::numeric_limits<float>::infinity();
    double net = 0.0;
    double gross = 0.0;
    for (std::size_t index = 0; index < run.monitored_loss.size(); ++index) {
        if (measured) {
            net += index < run.net_j.size() ? static_cast<double>(run.net_j[index]) : 0.0;
            gross += index < run.gross_j.size() ? static_cast<double>(run.gross_j[index]) : 0.0;
        }
        const float loss = run.monitored_loss[index];
        if (!std::isnan(loss) && loss < best) {
            best = loss;
            progress.improved_epoch.push_back(static_cast<int>(index) + 1);
            progress.best_loss.push_back(best);
            if (measured) {
                progress.net_j.push_back(net);
                progress.gross_j.push_back(gross);
            }
        }
    }
    return progress;
}

double median_cost(std::vector<double> costs) {
    if (costs.empty()) {
        return kUnreached;
    }
    std::sort(costs.begin(), costs.end());
    const std::size_t middle = costs.size() / 2;
    if (costs.size() % 2 == 1) {
        return costs[middle];
    }
    return (costs[middle - 1] + costs[middle]) / 2.0;
}

}  // namespace joulesweep::common
