#include "model/onednn_mlp.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

using Tag = dnnl::memory::format_tag;
constexpr auto kFloat = dnnl::memory::data_type::f32;

// rows x columns, row-major.
dnnl::memory::desc plain(Eigen::Index rows, Eigen::Index columns) {
    return {{rows, columns}, kFloat, Tag::ab};
}

// The transpose of a row-major stored_columns x stored_rows buffer, read by strides.
dnnl::memory::desc transposed(Eigen::Index stored_columns, Eigen::Index stored_rows) {
    return {{stored_columns, stored_rows}, kFloat, Tag::ba};
}

dnnl::matmul make_matmul(const dnnl::engine& engine,
                         const dnnl::matmul::desc& description,
                         const dnnl::post_ops& post_ops) {
    dnnl::primitive_attr attributes;
    attributes.set_post_ops(post_ops);
    return {dnnl::matmul::primitive_desc(description, attributes, engine)};
}

// The primitive's memory objects, empty where the buffer is bound at each call.
dnnl::memory bind(const dnnl::memory::desc& description,
                  const dnnl::engine& engine,
                  const float* buffer) {
    // oneDNN's handles are non-const; the primitives only read their sources.
    return {description, engine, const_cast<float*>(buffer)};  // NOLINT(*-const-cast)
}

void point(dnnl::memory& memory, const float* buffer) {
    memory.set_data_handle(const_cast<float*>(buffer));  // NOLINT(*-const-cast)
}

[[noreturn]] void rethrow_onednn(const dnnl::error& error, const char* what) {
    throw common::InternalError(fmt::format(
        "oneDNN could not {}: {} (status {})", what, error.what(), static_cast<int>(error.status)));
}

}  // namespace

OnednnMlp::OnednnMlp(NetworkSpec spec, RandomStream& random)
    : Mlp(std::move(spec), random), engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {}

const Matrix& OnednnMlp::layer_input(const Plan& plan, std::size_t layer) const {
    if (layer == 0) {
        return plan.inputs;
    }
    return spec().residual[layer - 1] ? plan.skip_sums[layer - 1] : plan.activations[layer - 1];
}

OnednnMlp::Plan& OnednnMlp::plan_for(Eigen::Index rows) {
    const auto known = std::find_if(
        plans_.begin(), plans_.end(), [rows](const auto& plan) { return plan->rows == rows; });
    if (known != plans_.end()) {
        return **known;
    }
    try {
        plans_.push_back(build_plan(rows));
    } catch (const dnnl::error& error) {
        rethrow_onednn(error, "build the matmul primitives");
    }
    return *plans_.back();
}

std::unique_ptr<OnednnMlp::Plan> OnednnMlp::build_plan(Eigen::Index rows) {
    const std::vector<int>& widths = spec().widths;
    const std::size_t layers = widths.size();
    const std::size_t top = layers - 1;
    auto plan = std::make_unique<Plan>();
    plan->rows = rows;
    plan->inputs.resize(rows, spec().input_width);
    plan->activations.resize(top);
    plan->skip_sums.resize(top);
    plan->upstream.resize(top);
    plan->upstream_slot.resize(top);
    for (std::size_t layer = 0; layer < top; ++layer) {
        plan->activations[layer].resize(rows, widths[layer]);
        if (spec().residual[layer]) {
            plan->skip_sums[layer].resize(rows, widths[layer]);
        }
    }

    const dnnl::post_ops none;
    dnnl::post_ops relu;
    relu.append_eltwise(1.0F, dnnl::algorithm::eltwise_relu, 0.0F, 0.0F);
    plan->layers.resize(layers);
    Eigen::Index fan_in = spec().input_width;
    for (std::size_t layer = 0; layer < layers; ++layer) {
        const Eigen::Index units = widths[layer];
        const float* kernel = parameters().kernels[layer].data();
        const float* input = layer_input(*plan, layer).data();
        LayerSteps& steps = plan->layers[layer];

        const auto bias_desc = plain(1, units);
        steps.forward.primitive = make_matmul(
            engine_,
            dnnl::matmul::desc(
                plain(rows, fan_in), plain(fan_in, units), bias_desc, plain(rows, units)),
            layer < top ? relu : none);
        steps.forward.arguments = {
            {DNNL_ARG_SRC, bind(plain(rows, fan_in), engine_, input)},
            {DNNL_ARG_WEIGHTS, bind(plain(fan_in, units), engine_, kernel)},
            {DNNL_ARG_BIAS, bind(bias_desc, engine_, parameters().biases[layer].data())},
            {DNNL_ARG_DST,
             bind(plain(rows, units),
                  engine_,
                  layer < top ? plan->activations[layer].data() : nullptr)},  // logits: per call
        };

        fan_in = units;
    }
    return plan;
}

// The backward half of a plan, on its first backward(): a plan that only evaluates
// (the test set, in chunks of thousands of rows) never allocates gradient buffers.
void OnednnMlp::prepare_backward(Plan& plan) {
    const std::vector<int>& widths = spec().widths;
    const std::size_t layers = widths.size();
    const std::size_t top = layers - 1;
    const Eigen::Index rows = plan.rows;
    plan.upstream.resize(top);
    plan.upstream_slot.resize(top);
    for (std::size_t layer = 0; layer < top; ++layer) {
        plan.upstream[layer].resize(rows, widths[layer]);
    }
    plan.deltas.clear();  // a failed earlier attempt may have left some
    for (std::size_t layer = 0; layer < layers; ++layer) {
        plan.deltas.emplace_back(rows, widths[layer]);
    }
    if (top > 0) {
        plan.upstream_slot[top - 1] = top - 1;
        for (std::size_t layer = top - 1; layer > 0; --layer) {
            plan.upstream_slot[layer - 1] =
                spec().residual[layer] ? plan.upstream_slot[layer] : layer - 1;
        }
    }
    const dnnl::post_ops none;
    dnnl::post_ops accumulate;
    accumulate.append_sum(1.0F);
    Eigen::Index fan_in = spec().input_width;
    for (std::size_t layer = 0; layer < layers; ++layer) {
        const Eigen::Index units = widths[layer];
        const float* kernel = parameters().kernels[layer].data();
        const float* input = layer_input(plan, layer).data();
        const float* delta = plan.deltas[layer].data();
        LayerSteps& steps = plan.layers[layer];

        steps.kernel_gradient.primitive = make_matmul(
            engine_,
            dnnl::matmul::desc(transposed(fan_in, rows), plain(rows, units), plain(fan_in, units)),
            none);
        steps.kernel_gradient.arguments = {
            {DNNL_ARG_SRC, bind(transposed(fan_in, rows), engine_, input)},
            {DNNL_ARG_WEIGHTS, bind(plain(rows, units), engine_, delta)},
            {DNNL_ARG_DST, bind(plain(fan_in, units), engine_, nullptr)},  // gradients: per call
        };

        if (layer > 0) {
            const bool skip = spec().residual[layer];
            steps.input_gradient.primitive =
                make_matmul(engine_,
                            dnnl::matmul::desc(
                                plain(rows, units), transposed(units, fan_in), plain(rows, fan_in)),
                            skip ? accumulate : none);
            steps.input_gradient.arguments = {
                {DNNL_ARG_SRC, bind(plain(rows, units), engine_, delta)},
                {DNNL_ARG_WEIGHTS, bind(transposed(units, fan_in), engine_, kernel)},
                {DNNL_ARG_DST,
                 bind(plain(rows, fan_in),
                      engine_,
                      plan.upstream[plan.upstream_slot[layer - 1]].data())},
            };
        }
        fan_in = units;
    }
    plan.backward_ready = true;
}

std::size_t OnednnMlp::buffer_bytes() const noexcept {
    std::size_t floats = 0;
    const auto add = [&floats](const std::vector<Matrix>& buffers) {
        for (const Matrix& buffer : buffers) {
            floats += static_cast<std::size_t>(buffer.size());
        }
    };
    for (const auto& plan : plans_) {
        floats += static_cast<std::size_t>(plan->inputs.size());
        add(plan->activations);
        add(plan->skip_sums);
        add(plan->deltas);
        add(plan->upstream);
    }
    return floats * sizeof(float);
}

const Matrix& OnednnMlp::forward(const Eigen::Ref<const Matrix>& inputs) {
    Plan& plan = plan_for(inputs.rows());
    last_ = &plan;
    plan.inputs = inputs;
    const std::size_t layers = spec().widths.size();
    logits().resize(inputs.rows(), spec().widths.back());
    try {
        for (std::size_t layer = 0; layer < layers; ++layer) {
            Step& step = plan.layers[layer].forward;
            // The optimizer updates in place, but a caller may swap parameters: rebind.
            point(step.arguments.at(DNNL_ARG_WEIGHTS), parameters().kernels[layer].data());
            point(step.arguments.at(DNNL_ARG_BIAS), parameters().biases[layer].data());
            if (layer + 1 == layers) {
                point(step.arguments.at(DNNL_ARG_DST), logits().data());
            }
            step.primitive.execute(stream_, step.arguments);
            if (layer + 1 < layers && spec().residual[layer]) {
                plan.skip_sums[layer] = plan.activations[layer] + layer_input(plan, layer);
            }
        }
        stream_.wait();
    } catch (const dnnl::error& error) {
        rethrow_onednn(error, "run the forward pass");
    }
    return finish_forward();
}

void OnednnMlp::backward(const Matrix& targets, Parameters& gradients) {
    JOULESWEEP_CHECK(last_ != nullptr && last_->rows == targets.rows(),
                     "backward() needs a forward() of the same batch first");
    Plan& plan = *last_;
    if (!plan.backward_ready) {
        try {
            prepare_backward(plan);
        } catch (const dnnl::error& error) {
            rethrow_onednn(error, "build the backward matmul primitives");
        }
    }
    const std::size_t layers = spec().widths.size();
    output_delta(targets, plan.deltas.back());
    try {
        for (std::size_t layer = layers; layer-- > 0;) {
            Matrix& delta = plan.deltas[layer];
            if (layer + 1 < layers) {
                const Matrix& upstream = plan.upstream[plan.upstream_slot[layer]];
                delta = (plan.activations[layer].array() > 0.0F)
                            .select(upstream.array(), 0.0F)
                            .matrix();
            }
            LayerSteps& steps = plan.layers[layer];
            point(steps.kernel_gradient.arguments.at(DNNL_ARG_DST),
                  gradients.kernels[layer].data());
            steps.kernel_gradient.primitive.execute(stream_, steps.kernel_gradient.arguments);
            gradients.biases[layer] = delta.colwise().sum();
            if (layer > 0) {
                point(steps.input_gradient.arguments.at(DNNL_ARG_WEIGHTS),
                      parameters().kernels[layer].data());
                steps.input_gradient.primitive.execute(stream_, steps.input_gradient.arguments);
            }
        }
        stream_.wait();
    } catch (const dnnl::error& error) {
        rethrow_onednn(error, "run the backward pass");
    }
    for (std::size_t layer = 0; layer < layers; ++layer) {
        add_penalty_gradient(layer, gradients.kernels[layer]);
    }
}

}  // namespace joulesweep::worker
