#include "joulesweep/worker/model/mlp.hpp"

#include <cmath>
#include <memory>
#include <utility>

#include "joulesweep/common/error.hpp"

#include "model/eigen_mlp.hpp"
#include "model/onednn_mlp.hpp"
#include "model/packed_mlp.hpp"

namespace joulesweep::worker {

Parameters constant_like(const Parameters& shapes, float value) {
    Parameters filled;
    for (std::size_t layer = 0; layer < shapes.kernels.size(); ++layer) {
        filled.kernels.emplace_back(
            Matrix::Constant(shapes.kernels[layer].rows(), shapes.kernels[layer].cols(), value));
        filled.biases.emplace_back(RowVector::Constant(shapes.biases[layer].cols(), value));
    }
    return filled;
}

Parameters zeros_like(const Parameters& shapes) {
    return constant_like(shapes, 0.0F);
}

Mlp::Mlp(NetworkSpec spec, RandomStream& random) : spec_(std::move(spec)) {
    JOULESWEEP_CHECK(spec_.widths.size() == spec_.residual.size() && !spec_.widths.empty(),
                     "a network needs one residual flag per layer");
    JOULESWEEP_CHECK(!spec_.residual.back(), "the output layer cannot have a residual skip");
    int fan_in = spec_.input_width;
    for (std::size_t layer = 0; layer < spec_.widths.size(); ++layer) {
        const int units = spec_.widths[layer];
        JOULESWEEP_CHECK(!spec_.residual[layer] || units == fan_in,
                         "a residual skip needs a layer as wide as its input");
        const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + units));
        Matrix kernel(fan_in, units);
        for (Eigen::Index row = 0; row < kernel.rows(); ++row) {
            for (Eigen::Index column = 0; column < kernel.cols(); ++column) {
                kernel(row, column) = static_cast<float>(((2.0 * random.uniform()) - 1.0) * limit);
            }
        }
        parameters_.kernels.push_back(std::move(kernel));
        parameters_.biases.emplace_back(RowVector::Zero(units));
        fan_in = units;
    }
}

const Matrix& Mlp::finish_forward() {
    if (spec_.output == OutputActivation::kSoftmax) {
        outputs_ = logits_.colwise() - logits_.rowwise().maxCoeff();
        outputs_ = outputs_.array().exp().matrix();
        const Eigen::VectorXf sums = outputs_.rowwise().sum();  // evaluated first: no aliasing
        outputs_.array().colwise() /= sums.array();
    } else {
        outputs_ = (1.0F + (-logits_.array()).exp()).inverse().matrix();
    }
    return outputs_;
}

Eigen::VectorXf Mlp::sample_losses(const Matrix& targets) const {
    const auto outputs = static_cast<float>(logits_.cols());
    switch (spec_.loss) {
        case LossKind::kMeanSquaredError:
            return (outputs_ - targets).array().square().rowwise().sum() / outputs;
        case LossKind::kBinaryCrossEntropy: {
            // max(z, 0) - z y + log(1 + exp(-|z|)): sigmoid cross-entropy from logits.
            const auto z = logits_.array();
            const Matrix terms =
                (z.max(0.0F) - (z * targets.array()) + (-z.abs()).exp().log1p()).matrix();
            return terms.rowwise().sum() / outputs;
        }
        case LossKind::kCategoricalCrossEntropy: {
            // sum_j y_j (logsumexp(z) - z_j): softmax cross-entropy from logits.
            const Eigen::VectorXf maximum = logits_.rowwise().maxCoeff();
            const Eigen::VectorXf log_sum =
                maximum.array() + (logits_.colwise() - maximum).array().exp().rowwise().sum().log();
            return (log_sum.array() * targets.rowwise().sum().array()) -
                   (targets.array() * logits_.array()).rowwise().sum();
        }
    }
    return {};
}

double Mlp::penalty() const {
    double total = 0;
    for (const Matrix& kernel : parameters_.kernels) {
        if (spec_.l1 != 0) {
            total += spec_.l1 * static_cast<double>(kernel.cwiseAbs().sum());
        }
        if (spec_.l2 != 0) {
            total += spec_.l2 * static_cast<double>(kernel.squaredNorm());
        }
    }
    return total;
}

void Mlp::output_delta(const Matrix& targets, Eigen::Ref<Matrix> delta) const {
    const auto batch = static_cast<float>(outputs_.rows());
    const auto width = static_cast<float>(outputs_.cols());
    switch (spec_.loss) {
        case LossKind::kMeanSquaredError:
            delta = ((2.0F / (batch * width)) * (outputs_ - targets).array() * outputs_.array() *
                     (1.0F - outputs_.array()))
                        .matrix();
            break;
        case LossKind::kBinaryCrossEntropy:
            delta = (outputs_ - targets) / (batch * width);
            break;
        case LossKind::kCategoricalCrossEntropy:
            delta =
                ((outputs_.array().colwise() * targets.rowwise().sum().array()) - targets.array())
                    .matrix() /
                batch;
            break;
    }
}

void Mlp::add_penalty_gradient(std::size_t layer, Matrix& kernel_gradient) const {
    const Matrix& kernel = parameters_.kernels[layer];
    if (spec_.l1 != 0) {
        kernel_gradient += static_cast<float>(spec_.l1) * kernel.cwiseSign();
    }
    if (spec_.l2 != 0) {
        kernel_gradient += static_cast<float>(2.0 * spec_.l2) * kernel;
    }
}

std::unique_ptr<Mlp> make_mlp(Backend backend, NetworkSpec spec, RandomStream& random) {
    switch (backend) {
        case Backend::kEigen:
            return std::make_unique<EigenMlp>(std::move(spec), random);
        case Backend::kOnednn:
            return std::make_unique<OnednnMlp>(std::move(spec), random);
        case Backend::kPacked:
            return std::make_unique<PackedMlp>(std::move(spec), random);
        case Backend::kAuto:
            break;
    }
    throw common::InternalError("make_mlp needs a resolved backend, not auto");
}

}  // namespace joulesweep::worker
