#include "model/packed_mlp.hpp"

#include <utility>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

GemmOperand plain(const Matrix& matrix) {
    return {matrix.data(), matrix.outerStride(), false};
}

GemmOperand transposed(const Matrix& matrix) {
    return {matrix.data(), matrix.outerStride(), true};
}

}  // namespace

PackedMlp::PackedMlp(NetworkSpec spec, RandomStream& random) : Mlp(std::move(spec), random) {
    if (!packed_gemm_available()) {
        throw common::ConfigError(
            "backend packed needs a CPU with AVX2 and FMA, and this one lacks them: "
            "use eigen, onednn or auto");
    }
    const std::size_t hidden = this->spec().widths.size() - 1;
    activations_.resize(hidden);
    skip_sums_.resize(hidden);
}

const Matrix& PackedMlp::layer_input(std::size_t layer) const {
    if (layer == 0) {
        return inputs_;
    }
    return spec().residual[layer - 1] ? skip_sums_[layer - 1] : activations_[layer - 1];
}

const Matrix& PackedMlp::forward(const Eigen::Ref<const Matrix>& inputs) {
    const std::size_t layers = spec().widths.size();
    const Eigen::Index rows = inputs.rows();
    inputs_ = inputs;
    for (std::size_t layer = 0; layer < layers; ++layer) {
        const bool hidden = layer + 1 < layers;
        const Matrix& kernel = parameters().kernels[layer];
        Matrix& sums = hidden ? activations_[layer] : logits();
        sums.resize(rows, kernel.cols());
        gemm_.multiply(rows,
                       kernel.cols(),
                       kernel.rows(),
                       plain(layer_input(layer)),
                       plain(kernel),
                       sums.data(),
                       sums.outerStride(),
                       false,
                       {parameters().biases[layer].data(), hidden});
        if (hidden && spec().residual[layer]) {
            skip_sums_[layer] = activations_[layer] + layer_input(layer);
        }
    }
    return finish_forward();
}

void PackedMlp::backward(const Matrix& targets, Parameters& gradients) {
    const std::size_t layers = spec().widths.size();
    JOULESWEEP_CHECK(inputs_.rows() == targets.rows(),
                     "backward() needs a forward() of the same batch first");
    const Eigen::Index rows = targets.rows();
    delta_.resize(rows, targets.cols());
    output_delta(targets, delta_);
    // Each pass of the loop starts with delta_ = dL/dz of `layer`.
    for (std::size_t layer = layers; layer-- > 0;) {
        const Matrix& input = layer_input(layer);
        Matrix& kernel_gradient = gradients.kernels[layer];
        gemm_.multiply(input.cols(),
                       delta_.cols(),
                       rows,
                       transposed(input),
                       plain(delta_),
                       kernel_gradient.data(),
                       kernel_gradient.outerStride(),
                       false);
        gradients.biases[layer] = delta_.colwise().sum();
        add_penalty_gradient(layer, kernel_gradient);
        if (layer == 0) {
            break;
        }
        const std::size_t below = layer - 1;
        const Matrix& kernel = parameters().kernels[layer];
        const GemmOperand kernel_transposed = transposed(kernel);
        const Matrix& below_output = activations_[below];
        if (spec().residual[layer]) {
            // The skip passes upstream_ through unchanged: add this layer's part in place.
            gemm_.multiply(rows,
                           kernel.rows(),
                           kernel.cols(),
                           plain(delta_),
                           kernel_transposed,
                           upstream_.data(),
                           upstream_.outerStride(),
                           true);
        } else {
            // Without a skip below, the ReLU's gradient is applied as the tiles are
            // stored, and the product is the layer below's delta at once.
            GemmEpilogue relu_gradient;
            if (!spec().residual[below]) {
                relu_gradient.mask = below_output.data();
                relu_gradient.mask_stride = below_output.outerStride();
            }
            below_.resize(rows, kernel.rows());
            gemm_.multiply(rows,
                           kernel.rows(),
                           kernel.cols(),
                           plain(delta_),
                           kernel_transposed,
                           below_.data(),
                           below_.outerStride(),
                           false,
                           relu_gradient);
            if (!spec().residual[below]) {
                std::swap(delta_, below_);
                continue;
            }
            std::swap(upstream_, below_);
        }
        // A skip below needs dL/d(its output) as it is: mask a copy.
        delta_ = (below_output.array() > 0.0F).select(upstream_.array(), 0.0F).matrix();
    }
}

}  // namespace joulesweep::worker
