#include "joulesweep/worker/model/mlp.hpp"

#include <cmath>
#include <utility>
#include <vector>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

Matrix sigmoid(const Matrix& logits) {
    return (1.0F + (-logits.array()).exp()).inverse().matrix();
}

Matrix softmax(const Matrix& logits) {
    Matrix shifted = logits.colwise() - logits.rowwise().maxCoeff();
    shifted = shifted.array().exp().matrix();
    return shifted.array().colwise() / shifted.rowwise().sum().array();
}

}  // namespace

Parameters zeros_like(const Parameters& shapes) {
    Parameters zeros;
    for (std::size_t layer = 0; layer < shapes.kernels.size(); ++layer) {
        zeros.kernels.emplace_back(
            Matrix::Zero(shapes.kernels[layer].rows(), shapes.kernels[layer].cols()));
        zeros.biases.emplace_back(RowVector::Zero(shapes.biases[layer].cols()));
    }
    return zeros;
}

Mlp::Mlp(NetworkSpec spec, RandomStream& random) : spec_(std::move(spec)) {
    JOULESWEEP_CHECK(spec_.widths.size() == spec_.residual.size() && !spec_.widths.empty(),
                     "a network needs one residual flag per layer");
    int fan_in = spec_.input_width;
    for (const int units : spec_.widths) {
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
    inputs_.resize(spec_.widths.size());
    pre_activations_.resize(spec_.widths.size());
}

const Matrix& Mlp::forward(const Matrix& inputs) {
    const std::size_t layers = spec_.widths.size();
    inputs_[0] = inputs;
    for (std::size_t layer = 0; layer < layers; ++layer) {
        Matrix& logits = pre_activations_[layer];
        logits.noalias() = inputs_[layer] * parameters_.kernels[layer];
        logits.rowwise() += parameters_.biases[layer];
        if (layer + 1 == layers) {
            outputs_ =
                spec_.output == OutputActivation::kSoftmax ? softmax(logits) : sigmoid(logits);
        } else {
            Matrix& next = inputs_[layer + 1];
            next = logits.cwiseMax(0.0F);
            if (spec_.residual[layer]) {
                next += inputs_[layer];
            }
        }
    }
    return outputs_;
}

Eigen::VectorXf Mlp::sample_losses(const Matrix& targets) const {
    const Matrix& logits = pre_activations_.back();
    const auto outputs = static_cast<float>(logits.cols());
    switch (spec_.loss) {
        case LossKind::kMeanSquaredError:
            return (outputs_ - targets).array().square().rowwise().sum() / outputs;
        case LossKind::kBinaryCrossEntropy: {
            // max(z, 0) - z y + log(1 + exp(-|z|)): sigmoid cross-entropy from logits.
            const auto z = logits.array();
            const Matrix terms =
                (z.max(0.0F) - (z * targets.array()) + (-z.abs()).exp().log1p()).matrix();
            return terms.rowwise().sum() / outputs;
        }
        case LossKind::kCategoricalCrossEntropy: {
            // sum_j y_j (logsumexp(z) - z_j): softmax cross-entropy from logits.
            const Eigen::VectorXf maximum = logits.rowwise().maxCoeff();
            const Eigen::VectorXf log_sum =
                maximum.array() + (logits.colwise() - maximum).array().exp().rowwise().sum().log();
            return (log_sum.array() * targets.rowwise().sum().array()) -
                   (targets.array() * logits.array()).rowwise().sum();
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

void Mlp::backward(const Matrix& targets, Parameters& gradients) const {
    const auto batch = static_cast<float>(outputs_.rows());
    const auto width = static_cast<float>(outputs_.cols());
    // dL/dz for the output layer, L being the batch mean of the per-sample losses.
    Matrix delta;
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
    Matrix upstream;  // dL/d(output of the layer below), carried down through skips
    for (std::size_t layer = spec_.widths.size(); layer-- > 0;) {
        if (layer + 1 < spec_.widths.size()) {
            delta = (upstream.array() * (pre_activations_[layer].array() > 0.0F).cast<float>())
                        .matrix();
        }
        gradients.kernels[layer].noalias() = inputs_[layer].transpose() * delta;
        gradients.biases[layer] = delta.colwise().sum();
        const Matrix& kernel = parameters_.kernels[layer];
        if (spec_.l1 != 0) {
            gradients.kernels[layer] += static_cast<float>(spec_.l1) * kernel.cwiseSign();
        }
        if (spec_.l2 != 0) {
            gradients.kernels[layer] += static_cast<float>(2.0 * spec_.l2) * kernel;
        }
        if (layer > 0) {
            Matrix below = delta * kernel.transpose();
            if (spec_.residual[layer]) {
                below += upstream;
            }
            upstream = std::move(below);
        }
    }
}

}  // namespace joulesweep::worker
