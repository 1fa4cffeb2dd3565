#include "joulesweep/worker/model/epoch_metrics.hpp"

#include <cmath>

#include <catch2/catch.hpp>

namespace joulesweep::worker {

TEST_CASE("EpochMetrics: Keras's values on a hand-checked batch", "[worker][model]") {
    Matrix outputs(2, 2);
    outputs << 0.8F, 0.2F, 0.4F, 0.6F;
    Matrix targets(2, 2);
    targets << 1.0F, 0.0F, 1.0F, 0.0F;
    Eigen::VectorXf losses(2);
    losses << 0.5F, 1.5F;
    EpochMetrics metrics;
    metrics.add(outputs, targets, losses, 0.25);
    const auto values = metrics.values();
    CHECK(values[0] == Approx(1.25));  // mean loss 1.0 + penalty 0.25
    CHECK(values[1] == Approx(0.5));   // argmax right for row 0 only
    CHECK(values[2] == Approx(((0.04 + 0.04) / 2 + (0.36 + 0.36) / 2) / 2));  // mse
    CHECK(values[3] == Approx(((0.2 + 0.2) / 2 + (0.6 + 0.6) / 2) / 2));      // mae
    CHECK(values[4] == Approx(std::sqrt((0.04 + 0.04 + 0.36 + 0.36) / 4)));   // rmse
    // hinge with targets read as +1/-1: row 0 max(1-0.8,0), max(1+0.2,0); row 1 0.6, 1.6
    CHECK(values[6] == Approx(((0.2 + 1.2) / 2 + (0.6 + 1.6) / 2) / 2));
    CHECK(values[7] == Approx(((0.04 + 1.44) / 2 + (0.36 + 2.56) / 2) / 2));
    const double cosine_row0 = 0.8 / std::sqrt(0.68);
    const double cosine_row1 = 0.4 / std::sqrt(0.52);
    CHECK(values[8] == Approx((cosine_row0 + cosine_row1) / 2));
    // KL with 0 clipped to 1e-7: 1 log(1/0.8) + 1e-7 log(1e-7/0.2), and the same for row 1
    const double kld0 = std::log(1 / 0.8) + (1e-7 * std::log(1e-7 / 0.2));
    const double kld1 = std::log(1 / 0.4) + (1e-7 * std::log(1e-7 / 0.6));
    CHECK(values[9] == Approx((kld0 + kld1) / 2));
}

TEST_CASE("EpochMetrics: one output uses binary accuracy at 0.5, batches weigh by size",
          "[worker][model]") {
    EpochMetrics metrics;
    Matrix outputs(3, 1);
    outputs << 0.7F, 0.4F, 0.51F;
    Matrix targets(3, 1);
    targets << 1.0F, 1.0F, 0.0F;
    metrics.add(outputs, targets, Eigen::VectorXf::Constant(3, 1.0F), 0);
    Matrix one_output(1, 1);
    one_output << 0.1F;
    Matrix one_target(1, 1);
    one_target << 0.0F;
    metrics.add(one_output, one_target, Eigen::VectorXf::Constant(1, 5.0F), 0);
    const auto values = metrics.values();
    CHECK(values[1] == Approx(0.5));        // 2 right of 4
    CHECK(values[0] == Approx(8.0 / 4.0));  // (1 + 1 + 1 + 5) / 4, not the mean of batch means
    CHECK(std::isnan(EpochMetrics().values()[0]));
}

}  // namespace joulesweep::worker
