#pragma once
// Keras's update rules (TensorFlow 2 optimizers, the ones BUTTER used), for every kernel
// and bias alike:
//   SGD      v = momentum v - lr g;  w += v            (momentum 0: w -= lr g; no Nesterov)
//   RMSprop  s = rho s + (1 - rho) g^2;  rho = 0.9, epsilon = 1e-7
//            momentum 0: w -= lr g / (sqrt(s) + epsilon)
//            else:       m = momentum m + lr g / sqrt(s + epsilon);  w -= m
//            (two TensorFlow kernels: epsilon outside the root, then inside it)
//   Adagrad  a = a + g^2 (a starts at 0.1);  w -= lr g / (sqrt(a) + epsilon), epsilon = 1e-7
//   Adam     m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  b1 = 0.9, b2 = 0.999
//            w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon), epsilon = 1e-7

#include <memory>
#include <string>

#include "joulesweep/common/training_choices.hpp"
#include "joulesweep/worker/model/mlp.hpp"

namespace joulesweep::worker {

class Optimizer {
public:
    virtual ~Optimizer() = default;
    Optimizer() = default;
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;
    Optimizer(Optimizer&&) = delete;
    Optimizer& operator=(Optimizer&&) = delete;

    // One step on `parameters` with `gradients` of the same shapes.
    virtual void step(Parameters& parameters, const Parameters& gradients) = 0;
};

// Throws ConfigError for momentum with adam or adagrad (Keras's have none).
std::unique_ptr<Optimizer> make_optimizer(common::OptimizerKind kind,
                                          double learning_rate,
                                          double momentum,
                                          const Parameters& shapes);

}  // namespace joulesweep::worker
