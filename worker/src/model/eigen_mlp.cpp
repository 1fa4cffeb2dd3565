#include "model/eigen_mlp.hpp"

#include <utility>

namespace joulesweep::worker {

EigenMlp::EigenMlp(NetworkSpec spec, RandomStream& random) : Mlp(std::move(spec), random) {
    inputs_.resize(this->spec().widths.size());
    pre_activations_.resize(this->spec().widths.size());
}

const Matrix& EigenMlp::forward(const Eigen::Ref<const Matrix>& inputs) {
    const std::size_t layers = spec().widths.size();
    const Parameters& weights = parameters();
    inputs_[0] = inputs;
    for (std::size_t layer = 0; layer < layers; ++layer) {
        Matrix& sums = layer + 1 == layers ? logits() : pre_activations_[layer];
        sums.noalias() = inputs_[layer] * weights.kernels[layer];
        sums.rowwise() += weights.biases[layer];
        if (layer + 1 < layers) {
            Matrix& next = inputs_[layer + 1];
            next = sums.cwiseMax(0.0F);
            if (spec().residual[layer]) {
                next += inputs_[layer];
            }
        }
    }
    return finish_forward();
}

void EigenMlp::backward(const Matrix& targets, Parameters& gradients) {
    const std::size_t layers = spec().widths.size();
    delta_.resize(targets.rows(), targets.cols());
    output_delta(targets, delta_);
    for (std::size_t layer = layers; layer-- > 0;) {
        if (layer + 1 < layers) {
            delta_ =
                (pre_activations_[layer].array() > 0.0F).select(upstream_.array(), 0.0F).matrix();
        }
        gradients.kernels[layer].noalias() = inputs_[layer].transpose() * delta_;
        gradients.biases[layer] = delta_.colwise().sum();
        add_penalty_gradient(layer, gradients.kernels[layer]);
        if (layer > 0) {
            below_.noalias() = delta_ * parameters().kernels[layer].transpose();
            if (spec().residual[layer]) {
                below_ += upstream_;
            }
            std::swap(upstream_, below_);
        }
    }
}

}  // namespace joulesweep::worker
