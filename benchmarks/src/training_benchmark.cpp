#include "joulesweep/benchmarks/training_benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include <immintrin.h>
#include <oneapi/dnnl/dnnl.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/model/mlp.hpp"
#include "joulesweep/worker/model/optimizer.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWarmupSteps = 3;
constexpr int kMinimumSteps = 5;
constexpr int kBatchPool = 16;  // distinct batches cycled through, made before timing

NetworkSpec rectangle(const TrainingBenchmarkCase& benchmark) {
    NetworkSpec spec;
    spec.input_width = benchmark.input_width;
    spec.widths.assign(static_cast<std::size_t>(benchmark.depth - 1), benchmark.width);
    spec.widths.push_back(benchmark.output_width);
    spec.residual.assign(spec.widths.size(), false);
    spec.output = OutputActivation::kSoftmax;
    spec.loss = LossKind::kCategoricalCrossEntropy;
    return spec;
}

// 12 independent 8-wide accumulators cover FMA latency (4-5 cycles) times 2 pipes; each
// round is 12 FMAs of 8 floats, 2 FLOPs each.
constexpr int kFmaChains = 12;
constexpr double kFmaFlopsPerRound = kFmaChains * 8 * 2;

// The chains start from different values: chains that start equal are one computation,
// and the compiler keeps only one of them (it did, and this measured FMA latency, not
// throughput, counted twelve times). The chains live in one array so that no two share
// an expression; GCC keeps the array in registers.
__attribute__((target("avx2,fma"), noinline)) float fma_rounds(int rounds, float start) {
    const __m256 scale = _mm256_set1_ps(0.999999F);
    const __m256 offset = _mm256_set1_ps(1e-7F);
    // NOLINTBEGIN(*-avoid-c-arrays, *-constant-array-index): std::array drops __m256's attributes
    __m256 chains[kFmaChains];
    for (int chain = 0; chain < kFmaChains; ++chain) {
        chains[chain] = _mm256_set1_ps(start + static_cast<float>(chain));
    }
    for (int round = 0; round < rounds; ++round) {
#pragma GCC unroll 12
        for (__m256& chain : chains) {
            chain = _mm256_fmadd_ps(chain, scale, offset);
        }
    }
    __m256 sum = _mm256_setzero_ps();
    for (const __m256 chain : chains) {
        sum = _mm256_add_ps(sum, chain);
    }
    // NOLINTEND(*-avoid-c-arrays, *-constant-array-index)
    return _mm256_cvtss_f32(sum) * 1e-6F;  // the next call starts from it: no hoisting
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `step` after warm-up until `seconds` and kMinimumSteps have passed; returns
// steps per second.
template <typename Step>
double steps_per_second(double seconds, Step step) {
    for (int warmup = 0; warmup < kWarmupSteps; ++warmup) {
        step();
    }
    const auto start = Clock::now();
    int steps = 0;
    while (steps < kMinimumSteps || seconds_since(start) < seconds) {
        step();
        ++steps;
    }
    return steps / seconds_since(start);
}

}  // namespace

double training_step_flops(const TrainingBenchmarkCase& benchmark) {
    const NetworkSpec spec = rectangle(benchmark);
    double flops = 0;
    double fan_in = spec.input_width;
    for (std::size_t layer = 0; layer < spec.widths.size(); ++layer) {
        const double products = 2.0 * benchmark.batch * fan_in * spec.widths[layer];
        flops += (layer == 0 ? 2 : 3) * products;
        fan_in = spec.widths[layer];
    }
    return flops;
}

TrainingBenchmarkResult measure_training(const TrainingBenchmarkCase& benchmark) {
    JOULESWEEP_CHECK(benchmark.depth >= 2 && benchmark.width >= 1 && benchmark.batch >= 1,
                     "a benchmark network needs a hidden layer and a batch");
    use_compute_threads(benchmark.threads);
    RandomStream random(42);
    const std::unique_ptr<Mlp> mlp = make_mlp(benchmark.backend, rectangle(benchmark), random);
    const auto optimizer = make_optimizer(common::OptimizerKind::kAdam, 1e-4, 0, mlp->parameters());
    Parameters gradients = mlp->zero_gradients();
    std::vector<Matrix> inputs;
    std::vector<Matrix> targets;
    for (int batch = 0; batch < kBatchPool; ++batch) {
        Matrix input(benchmark.batch, benchmark.input_width);
        for (float& value : input.reshaped()) {
            value = static_cast<float>(random.uniform());
        }
        Matrix target = Matrix::Zero(benchmark.batch, benchmark.output_width);
        for (Eigen::Index row = 0; row < target.rows(); ++row) {
            target(row,
                   static_cast<Eigen::Index>(
                       random.below(static_cast<std::uint64_t>(benchmark.output_width)))) = 1.0F;
        }
        inputs.push_back(std::move(input));
        targets.push_back(std::move(target));
    }
    std::size_t next = 0;
    float loss_sink = 0;  // keeps the loss computed, as a framework's step returns it
    const double rate = steps_per_second(benchmark.seconds, [&] {
        const std::size_t batch = next++ % inputs.size();
        mlp->forward(inputs[batch]);
        loss_sink += mlp->sample_losses(targets[batch]).mean();
        mlp->backward(targets[batch], gradients);
        optimizer->step(mlp->parameters(), gradients);
    });
    static_cast<void>(loss_sink);
    return {rate * benchmark.batch, rate * training_step_flops(benchmark) / 1e9};
}

double measure_matmul_ceiling(const TrainingBenchmarkCase& benchmark) {
    use_compute_threads(benchmark.threads);
    using Tag = dnnl::memory::format_tag;
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const Eigen::Index rows = benchmark.batch;
    const Eigen::Index width = benchmark.width;
    Matrix activations = Matrix::Constant(rows, width, 0.5F);
    Matrix kernel = Matrix::Constant(width, width, 0.25F);
    Matrix product(std::max(rows, width), width);
    const auto f32 = dnnl::memory::data_type::f32;

    struct Shape {
        dnnl::memory::desc src;
        dnnl::memory::desc weights;
        dnnl::memory::desc dst;
        float* src_data;
        float* weights_data;
    };

    // forward: (rows x width)(width x width); kernel gradient: (width x rows)^T-view by
    // (rows x width); input gradient: (rows x width)(width x width)^T-view.
    const std::vector<Shape> shapes{
        {{{rows, width}, f32, Tag::ab},
         {{width, width}, f32, Tag::ab},
         {{rows, width}, f32, Tag::ab},
         activations.data(),
         kernel.data()},
        {{{width, rows}, f32, Tag::ba},
         {{rows, width}, f32, Tag::ab},
         {{width, width}, f32, Tag::ab},
         activations.data(),
         activations.data()},
        {{{rows, width}, f32, Tag::ab},
         {{width, width}, f32, Tag::ba},
         {{rows, width}, f32, Tag::ab},
         activations.data(),
         kernel.data()},
    };
    double best = 0;
    for (const Shape& shape : shapes) {
        const dnnl::matmul matmul(dnnl::matmul::primitive_desc(
            dnnl::matmul::desc(shape.src, shape.weights, shape.dst), engine));
        const std::unordered_map<int, dnnl::memory> arguments{
            {DNNL_ARG_SRC, dnnl::memory(shape.src, engine, shape.src_data)},
            {DNNL_ARG_WEIGHTS, dnnl::memory(shape.weights, engine, shape.weights_data)},
            {DNNL_ARG_DST, dnnl::memory(shape.dst, engine, product.data())},
        };
        const dnnl::memory::dims& src_dims = shape.src.dims();
        const dnnl::memory::dims& dst_dims = shape.dst.dims();
        const double flops = 2.0 * static_cast<double>(src_dims[0] * src_dims[1] * dst_dims[1]);
        const double rate = steps_per_second(benchmark.seconds / 3, [&] {
            matmul.execute(stream, arguments);
            stream.wait();
        });
        best = std::max(best, rate * flops / 1e9);
    }
    return best;
}

double measure_fma_peak(double seconds) {
    if (__builtin_cpu_supports("avx2") == 0 || __builtin_cpu_supports("fma") == 0) {
        return 0;
    }
    constexpr int kRounds = 1 << 20;
    float sink = 0;
    const double rate = steps_per_second(seconds, [&sink] { sink = fma_rounds(kRounds, sink); });
    return sink == -1.0F ? 0 : rate * kRounds * kFmaFlopsPerRound / 1e9;
}

}  // namespace joulesweep::worker
