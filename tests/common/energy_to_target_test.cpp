#include "joulesweep/common/energy_to_target.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

namespace joulesweep::common {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

}  // namespace

TEST_CASE("best_so_far: a running minimum that reads NaN as +infinity", "[common][target]") {
    const std::vector<float> losses{kNaN, 0.9F, 0.7F, 0.8F, kNaN, 0.6F};
    const std::vector<double> best = best_so_far(losses);
    REQUIRE(best.size() == 6);
    CHECK(best[0] == kUnreached);
    CHECK(best[1] == Approx(0.9));
    CHECK(best[2] == Approx(0.7));
    CHECK(best[3] == Approx(0.7));
    CHECK(best[4] == Approx(0.7));  // a NaN epoch does not undo the best
    CHECK(best[5] == Approx(0.6));
    CHECK(best_so_far({}).empty());
}

TEST_CASE("first_epoch_reaching: 1-based, at or below the target, never on NaN",
          "[common][target]") {
    const std::vector<float> losses{1.0F, 0.5F, kNaN, 0.25F, 0.5F};
    CHECK(first_epoch_reaching(losses, 2.0) == 1);
    CHECK(first_epoch_reaching(losses, 0.5) == 2);  // equal counts as reached
    CHECK(first_epoch_reaching(losses, 0.3) == 4);
    CHECK_FALSE(first_epoch_reaching(losses, 0.1));
    CHECK_FALSE(first_epoch_reaching(std::vector<float>{kNaN, kNaN}, 1e30));
    CHECK_FALSE(first_epoch_reaching({}, 1.0));
}

TEST_CASE("cost_to_target: joules and operations up to and including the epoch",
          "[common][target]") {
    const std::vector<float> loss{0.9F, 0.8F, 0.4F, 0.3F};
    const std::vector<float> net{1.0F, 2.0F, 4.0F, 8.0F};
    const std::vector<float> gross{1.5F, 2.5F, 4.5F, 8.5F};
    const RunHistory run{loss, net, gross, 100.0};
    const CostToTarget reached = cost_to_target(run, 0.5);
    CHECK(reached.epoch == 3);
    CHECK(reached.net_j == 7.0);
    CHECK(reached.gross_j == 8.5);
    CHECK(reached.flops == 300.0);
    const CostToTarget missed = cost_to_target(run, 0.1);
    CHECK_FALSE(missed.epoch);
    CHECK(missed.net_j == kUnreached);
    CHECK(missed.gross_j == kUnreached);
    CHECK(missed.flops == kUnreached);
    // A diverged run's arrays end at the NaN epoch: a target below its best is unreached.
    const std::vector<float> diverged{0.9F, kNaN};
    const std::vector<float> joules{1.0F, 1.0F};
    CHECK(cost_to_target(RunHistory{diverged, joules, joules, 1.0}, 0.5).net_j == kUnreached);
}

TEST_CASE("progress_of: the epochs where best-so-far fell, with the joules spent by then",
          "[common][target]") {
    const std::vector<float> loss{kNaN, 0.9F, 0.95F, 0.7F, 0.7F, kNaN, 0.6F};
    const std::vector<float> net{1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F};
    const std::vector<float> gross{2.0F, 2.0F, 2.0F, 2.0F, 2.0F, 2.0F, 2.0F};
    const LossStaircase progress = progress_of(RunHistory{loss, net, gross, 0.0});
    CHECK(progress.improved_epoch == std::vector<int>{2, 4, 7});  // an equal loss is no fall
    CHECK(progress.best_loss == std::vector<float>{0.9F, 0.7F, 0.6F});
    CHECK(progress.net_j == std::vector<double>{2.0, 4.0, 7.0});
    CHECK(progress.gross_j == std::vector<double>{4.0, 8.0, 14.0});
    // Without joules the staircase has none; a target is reached at a staircase's first
    // entry at or below it, as first_epoch_reaching says.
    const LossStaircase unmeasured = progress_of(RunHistory{loss, {}, {}, 0.0});
    CHECK(unmeasured.net_j.empty());
    CHECK(first_epoch_reaching(loss, 0.7) == 4);
}

TEST_CASE("median_cost: percentile_cont(0.5), unreached as +infinity", "[common][target]") {
    CHECK(median_cost({3.0, 1.0, 2.0}) == 2.0);
    CHECK(median_cost({4.0, 1.0, 2.0, 3.0}) == 2.5);
    // Finite only while more than half reached.
    CHECK(median_cost({1.0, 2.0, kUnreached}) == 2.0);
    CHECK(median_cost({1.0, kUnreached}) == kUnreached);
    CHECK(median_cost({1.0, 2.0, kUnreached, kUnreached}) == kUnreached);
    CHECK(median_cost({1.0, 2.0, 3.0, kUnreached}) == 2.5);
    CHECK(median_cost({}) == kUnreached);
}

}  // namespace joulesweep::common
