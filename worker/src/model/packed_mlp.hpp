#pragma once
// The packed backend: every layer product runs on our own packed GEMM
// (packed_gemm.hpp), with bias and ReLU applied as each output tile is stored, the
// backward pass's transposes absorbed by packing, and a residual skip's gradient
// accumulated in place. Needs AVX2 and FMA; on this project's AVX2 machines it is the
// fastest backend for wide layers (docs/benchmarks.md).

#include <vector>

#include "joulesweep/worker/model/mlp.hpp"

#include "model/packed_gemm.hpp"

namespace joulesweep::worker {

class PackedMlp final : public Mlp {
public:
    // Throws ConfigError when the CPU lacks AVX2 or FMA.
    PackedMlp(NetworkSpec spec, RandomStream& random);

    const Matrix& forward(const Eigen::Ref<const Matrix>& inputs) override;
    void backward(const Matrix& targets, Parameters& gradients) override;

    Backend backend() const noexcept override { return Backend::kPacked; }

private:
    // What `layer` received: the batch, a hidden activation, or a skip's sum.
    const Matrix& layer_input(std::size_t layer) const;

    PackedGemm gemm_;
    Matrix inputs_;                    // the batch, copied
    std::vector<Matrix> activations_;  // per hidden layer: relu(x W + b)
    std::vector<Matrix> skip_sums_;    // per residual hidden layer: activation + input
    Matrix delta_;                     // dL/dz of the layer being differentiated
    Matrix upstream_;                  // dL/d(output of the layer below)
    Matrix below_;
};

}  // namespace joulesweep::worker
