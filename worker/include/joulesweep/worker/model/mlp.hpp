#pragma once
// The multilayer perceptron every backend trains: Dense layers (x W + b, row-major
// float32, W of shape inputs x units as in Keras), ReLU on hidden layers with optional
// identity skips, a sigmoid or softmax output, and the loss computed from the output
// logits as Keras does when the output layer is a sigmoid or softmax (no clipping).
// Kernel penalties (l1 sum|W| + l2 sum W^2) belong to the loss.
//
// This class owns what every backend shares (initialisation, parameters, output
// activations, losses, the output layer's gradient, penalties); a backend implements
// the layer arithmetic of forward() and backward(). make_mlp() builds one.

#include <memory>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "joulesweep/worker/model/backend_choice.hpp"
#include "joulesweep/worker/model/network.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

struct Parameters {
    std::vector<Matrix> kernels;    // per layer: inputs x units
    std::vector<RowVector> biases;  // per layer: units
};

// Parameters of the same shapes filled with `value` (optimizer state), or with zeros
// (gradients too).
Parameters constant_like(const Parameters& shapes, float value);
Parameters zeros_like(const Parameters& shapes);

class Mlp {
public:
    virtual ~Mlp() = default;
    Mlp(const Mlp&) = delete;
    Mlp& operator=(const Mlp&) = delete;
    Mlp(Mlp&&) = delete;
    Mlp& operator=(Mlp&&) = delete;

    // Runs a batch (rows x input_width, copied) and keeps what backward() needs. Returns
    // the outputs (probabilities), rows x output width, valid until the next forward().
    virtual const Matrix& forward(const Eigen::Ref<const Matrix>& inputs) = 0;

    // Gradients of mean(sample_losses) + penalty for the last forward pass, written into
    // `gradients` (shaped like the parameters).
    virtual void backward(const Matrix& targets, Parameters& gradients) = 0;

    virtual Backend backend() const noexcept = 0;

    // Per-sample losses of the last forward pass (without the penalty): Keras's mean
    // over outputs for MSE and binary cross-entropy, the sum over classes for categorical.
    Eigen::VectorXf sample_losses(const Matrix& targets) const;

    // l1 sum|W| + l2 sum W^2 over every kernel, at the current weights.
    double penalty() const;

    // The optimizer updates these in place; backends keep pointing at the same storage.
    Parameters& parameters() noexcept { return parameters_; }

    const Parameters& parameters() const noexcept { return parameters_; }

    const NetworkSpec& spec() const noexcept { return spec_; }

    // Zero-filled gradients shaped like the parameters.
    Parameters zero_gradients() const { return zeros_like(parameters_); }

protected:
    // Glorot-uniform kernels (limit sqrt(6 / (fan_in + fan_out))), zero biases, drawn
    // layer by layer in row-major order from `random`.
    Mlp(NetworkSpec spec, RandomStream& random);

    // The output layer's pre-activations; a backend's forward() writes them here...
    Matrix& logits() noexcept { return logits_; }

    // ...and then calls this, which applies the output activation and returns outputs.
    const Matrix& finish_forward();

    // dL/dz of the output layer for the last forward pass, into `delta`.
    void output_delta(const Matrix& targets, Eigen::Ref<Matrix> delta) const;

    // Adds the penalty's gradient for `layer`'s kernel to `kernel_gradient`.
    void add_penalty_gradient(std::size_t layer, Matrix& kernel_gradient) const;

private:
    NetworkSpec spec_;
    Parameters parameters_;
    Matrix logits_;
    Matrix outputs_;
};

// The backend's MLP (Backend::kEigen or Backend::kOnednn; resolve kAuto first).
std::unique_ptr<Mlp> make_mlp(Backend backend, NetworkSpec spec, RandomStream& random);

}  // namespace joulesweep::worker
