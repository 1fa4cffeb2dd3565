#pragma once
// The oneDNN backend: every layer product is a oneDNN matmul primitive on row-major
// float32 buffers. The forward pass fuses bias and ReLU into one primitive per layer;
// the backward pass reads transposed operands through strides (no reorders) and folds
// a residual skip's gradient in with a sum post-op. Primitives, their argument maps and
// the activation buffers are built once per batch size and reused every batch; the
// gradient buffers only for batch sizes that train, not for evaluation chunks.

#include <memory>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "joulesweep/worker/model/mlp.hpp"

namespace joulesweep::worker {

class OnednnMlp final : public Mlp {
public:
    OnednnMlp(NetworkSpec spec, RandomStream& random);

    const Matrix& forward(const Eigen::Ref<const Matrix>& inputs) override;
    void backward(const Matrix& targets, Parameters& gradients) override;

    Backend backend() const noexcept override { return Backend::kOnednn; }

    // Bytes of activation and gradient buffers held by all plans (for tests and sizing).
    std::size_t buffer_bytes() const noexcept;

private:
    using Arguments = std::unordered_map<int, dnnl::memory>;

    struct Step {
        dnnl::matmul primitive;
        Arguments arguments;
    };

    struct LayerSteps {
        Step forward;          // dst = [relu](src W + b)
        Step kernel_gradient;  // dW = src^T delta
        Step input_gradient;   // d(src) = delta W^T [+ d(output) for a skip]; not layer 0
    };

    // Everything for one batch size. Buffers are sized once and never move; the
    // backward half is built on the plan's first backward().
    struct Plan {
        Eigen::Index rows = 0;
        Matrix inputs;
        std::vector<Matrix> activations;         // per hidden layer: relu(x W + b)
        std::vector<Matrix> skip_sums;           // per residual layer: activation + input
        std::vector<Matrix> deltas;              // per layer: dL/d(x W + b)
        std::vector<Matrix> upstream;            // per hidden layer: dL/d(its output)
        std::vector<std::size_t> upstream_slot;  // a skip's input shares its output's slot
        std::vector<LayerSteps> layers;
        bool backward_ready = false;
    };

    Plan& plan_for(Eigen::Index rows);
    std::unique_ptr<Plan> build_plan(Eigen::Index rows);
    void prepare_backward(Plan& plan);
    const Matrix& layer_input(const Plan& plan, std::size_t layer) const;

    dnnl::engine engine_;
    dnnl::stream stream_;
    std::vector<std::unique_ptr<Plan>> plans_;
    Plan* last_ = nullptr;  // the plan of the last forward()
};

}  // namespace joulesweep::worker
