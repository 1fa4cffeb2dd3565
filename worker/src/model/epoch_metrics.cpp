#include "joulesweep/worker/model/epoch_metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace joulesweep::worker {
namespace {

constexpr double kEpsilon = 1e-7;
constexpr double kNormEpsilon = 1e-12;  // tf.math.l2_normalize's floor on the squared norm

enum Value : std::size_t {
    kLoss,
    kAccuracy,
    kMse,
    kMae,
    kRmse,
    kMsle,
    kHinge,
    kSquaredHinge,
    kCosine,
    kKld
};

}  // namespace

void EpochMetrics::add(const Matrix& outputs,
                       const Matrix& targets,
                       const Eigen::VectorXf& sample_losses,
                       double penalty) {
    const Eigen::Index rows = outputs.rows();
    const Eigen::Index width = outputs.cols();
    const bool zero_one = ((targets.array() == 0.0F) || (targets.array() == 1.0F)).all();
    for (Eigen::Index row = 0; row < rows; ++row) {
        double squared = 0;
        double absolute = 0;
        double squared_log = 0;
        double hinge = 0;
        double squared_hinge = 0;
        double dot = 0;
        double target_norm = 0;
        double output_norm = 0;
        double divergence = 0;
        for (Eigen::Index column = 0; column < width; ++column) {
            const double p = outputs(row, column);
            const double y = targets(row, column);
            squared += (p - y) * (p - y);
            absolute += std::abs(p - y);
            const double log_difference =
                std::log1p(std::max(p, kEpsilon)) - std::log1p(std::max(y, kEpsilon));
            squared_log += log_difference * log_difference;
            const double signed_target = zero_one ? (2 * y) - 1 : y;
            const double margin = std::max(1 - (signed_target * p), 0.0);
            hinge += margin;
            squared_hinge += margin * margin;
            dot += y * p;
            target_norm += y * y;
            output_norm += p * p;
            const double clipped_y = std::clamp(y, kEpsilon, 1.0);
            const double clipped_p = std::clamp(p, kEpsilon, 1.0);
            divergence += clipped_y * std::log(clipped_y / clipped_p);
        }
        const auto columns = static_cast<double>(width);
        bool correct = false;
        if (width == 1) {
            correct = (outputs(row, 0) > 0.5F ? 1.0F : 0.0F) == targets(row, 0);
        } else {
            Eigen::Index predicted = 0;
            Eigen::Index actual = 0;
            outputs.row(row).maxCoeff(&predicted);
            targets.row(row).maxCoeff(&actual);
            correct = predicted == actual;
        }
        sums_[kAccuracy] += correct ? 1.0 : 0.0;
        sums_[kMse] += squared / columns;
        sums_[kMae] += absolute / columns;
        sums_[kRmse] += squared;  // over elements, square-rooted at the end
        sums_[kMsle] += squared_log / columns;
        sums_[kHinge] += hinge / columns;
        sums_[kSquaredHinge] += squared_hinge / columns;
        sums_[kCosine] += dot / (std::sqrt(std::max(target_norm, kNormEpsilon)) *
                                 std::sqrt(std::max(output_norm, kNormEpsilon)));
        sums_[kKld] += divergence;
    }
    sums_[kLoss] +=
        static_cast<double>(sample_losses.sum()) + (penalty * static_cast<double>(rows));
    samples_ += rows;
    elements_ += rows * width;
}

std::array<float, kEpochValueCount> EpochMetrics::values() const {
    std::array<float, kEpochValueCount> values{};
    if (samples_ == 0) {
        values.fill(std::numeric_limits<float>::quiet_NaN());
        return values;
    }
    for (std::size_t index = 0; index < kEpochValueCount; ++index) {
        values.at(index) = static_cast<float>(sums_.at(index) / static_cast<double>(samples_));
    }
    values[kRmse] = static_cast<float>(std::sqrt(sums_[kRmse] / static_cast<double>(elements_)));
    return values;
}

}  // namespace joulesweep::worker
