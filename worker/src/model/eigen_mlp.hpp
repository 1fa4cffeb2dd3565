#pragma once
// The Eigen backend: every layer's products as Eigen expressions on row-major float32
// matrices, single-threaded. Lowest overhead per call, so it wins on narrow networks.

#include <vector>

#include "joulesweep/worker/model/mlp.hpp"

namespace joulesweep::worker {

class EigenMlp final : public Mlp {
public:
    EigenMlp(NetworkSpec spec, RandomStream& random);

    const Matrix& forward(const Eigen::Ref<const Matrix>& inputs) override;
    void backward(const Matrix& targets, Parameters& gradients) override;

    Backend backend() const noexcept override { return Backend::kEigen; }

private:
    std::vector<Matrix> inputs_;           // per layer: what it received
    std::vector<Matrix> pre_activations_;  // per hidden layer: x W + b
    Matrix delta_;                         // dL/dz of the layer being differentiated
    Matrix upstream_;                      // dL/d(output of the layer below)
    Matrix below_;
};

}  // namespace joulesweep::worker
