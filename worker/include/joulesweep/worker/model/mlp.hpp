#pragma once
// The Eigen backend's multilayer perceptron: Dense layers (x W + b, row-major float32,
// W of shape inputs x units as in Keras), ReLU on hidden layers with optional identity
// skips, a sigmoid or softmax output, and the loss computed from the output logits as
// Keras does when the output layer is a sigmoid or softmax (no clipping). Kernel
// penalties (l1 sum|W| + l2 sum W^2) belong to the loss.

#include <vector>

#include <Eigen/Core>

#include "joulesweep/worker/model/network.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

struct Parameters {
    std::vector<Matrix> kernels;    // per layer: inputs x units
    std::vector<RowVector> biases;  // per layer: units
};

// Zero-filled parameters of the same shapes (gradients, optimizer state).
Parameters zeros_like(const Parameters& shapes);

class Mlp {
public:
    // Glorot-uniform kernels (limit sqrt(6 / (fan_in + fan_out))), zero biases, drawn
    // layer by layer in row-major order from `random`.
    Mlp(NetworkSpec spec, RandomStream& random);

    // Runs a batch (rows x input_width) and keeps what backward() needs. Returns the
    // outputs (probabilities), rows x output width.
    const Matrix& forward(const Matrix& inputs);

    // Per-sample losses of the last forward pass (without the penalty): Keras's mean
    // over outputs for MSE and binary cross-entropy, the sum over classes for categorical.
    Eigen::VectorXf sample_losses(const Matrix& targets) const;

    // l1 sum|W| + l2 sum W^2 over every kernel, at the current weights.
    double penalty() const;

    // Gradients of mean(sample_losses) + penalty for the last forward pass.
    void backward(const Matrix& targets, Parameters& gradients) const;

    Parameters& parameters() noexcept { return parameters_; }

    const Parameters& parameters() const noexcept { return parameters_; }

    const NetworkSpec& spec() const noexcept { return spec_; }

    // Zero-filled gradients shaped like the parameters.
    Parameters zero_gradients() const { return zeros_like(parameters_); }

private:
    NetworkSpec spec_;
    Parameters parameters_;
    std::vector<Matrix> inputs_;  // per layer: what it received
    std::vector<Matrix> pre_activations_;
    Matrix outputs_;
};

}  // namespace joulesweep::worker
