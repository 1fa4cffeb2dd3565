#pragma once
// The training-speed benchmark behind `joulesweep bench training`: samples per second of
// the training step (forward, loss, backward, optimizer) on a rectangle network, and the
// two ceilings it is judged against: the core's FP32 FMA peak and oneDNN's own f32
// matmul on the network's layer shapes. docs/benchmarks.md records the results.

#include <string>

#include "joulesweep/worker/model/backend_choice.hpp"

namespace joulesweep::worker {

struct TrainingBenchmarkCase {
    int depth = 3;   // Dense layers including the output layer
    int width = 64;  // every hidden layer
    int batch = 32;
    int threads = 1;
    Backend backend = Backend::kEigen;
    int input_width = 32;   // synthetic inputs, uniform in [0, 1)
    int output_width = 10;  // softmax classes, categorical cross-entropy, Adam (lr 1e-4)
    double seconds = 3;     // timed for at least this long and 5 steps, after 3 warm-up steps
};

struct TrainingBenchmarkResult {
    double samples_per_s = 0;
    double matmul_gflop_per_s = 0;  // matmul FLOPs of forward and backward per second
};

// Matmul FLOPs of one training step: forward and kernel gradients of every layer and
// input gradients of every layer but the first, 2 per multiply-add.
double training_step_flops(const TrainingBenchmarkCase& benchmark);

TrainingBenchmarkResult measure_training(const TrainingBenchmarkCase& benchmark);

// GFLOP/s of oneDNN's f32 matmul on the case's three product shapes (batch x width by
// width x width, plain and with either operand transposed as backward uses them), the
// best of the three, at benchmark.threads threads.
double measure_matmul_ceiling(const TrainingBenchmarkCase& benchmark);

// GFLOP/s of one core issuing independent 256-bit FMAs: the FP32 FMA peak, measured.
// Zero when the CPU lacks AVX2 and FMA.
double measure_fma_peak(double seconds);

}  // namespace joulesweep::worker
