#include "joulesweep/worker/model/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

#include "model/adam_update.hpp"

namespace joulesweep::worker {
namespace {

constexpr float kEpsilon = 1e-7F;
constexpr float kRho = 0.9F;
constexpr double kBeta1 = 0.9;
constexpr double kBeta2 = 0.999;
constexpr float kAdagradInitialAccumulator = 0.1F;

// Calls update(weight, gradient, slot_a, slot_b) as Eigen arrays for every kernel and bias.
template <typename Update>
void for_each_tensor(Parameters& parameters,
                     const Parameters& gradients,
                     Parameters& first,
                     Parameters& second,
                     Update update) {
    for (std::size_t layer = 0; layer < parameters.kernels.size(); ++layer) {
        update(parameters.kernels[layer].array(),
               gradients.kernels[layer].array(),
               first.kernels[layer].array(),
               second.kernels[layer].array());
        update(parameters.biases[layer].array(),
               gradients.biases[layer].array(),
               first.biases[layer].array(),
               second.biases[layer].array());
    }
}

class Sgd final : public Optimizer {
public:
    Sgd(double learning_rate, double momentum, const Parameters& shapes)
        : learning_rate_(static_cast<float>(learning_rate)),
          momentum_(static_cast<float>(momentum)),
          velocity_(zeros_like(shapes)) {}

    void step(Parameters& parameters, const Parameters& gradients) override {
        for_each_tensor(parameters,
                        gradients,
                        velocity_,
                        velocity_,
                        [this](auto weight, auto gradient, auto velocity, auto /*unused*/) {
                            if (momentum_ == 0.0F) {
                                weight -= learning_rate_ * gradient;
                            } else {
                                velocity = (momentum_ * velocity) - (learning_rate_ * gradient);
                                weight += velocity;
                            }
                        });
    }

private:
    float learning_rate_;
    float momentum_;
    Parameters velocity_;
};

class RmsProp final : public Optimizer {
public:
    RmsProp(double learning_rate, double momentum, const Parameters& shapes)
        : learning_rate_(static_cast<float>(learning_rate)),
          momentum_(static_cast<float>(momentum)),
          mean_square_(zeros_like(shapes)),
          moment_(zeros_like(shapes)) {}

    void step(Parameters& parameters, const Parameters& gradients) override {
        for_each_tensor(
            parameters,
            gradients,
            mean_square_,
            moment_,
            [this](auto weight, auto gradient, auto mean_square, auto moment) {
                mean_square = (kRho * mean_square) + ((1.0F - kRho) * gradient.square());
                // Keras takes two kernels here, and they place epsilon differently.
                if (momentum_ == 0.0F) {
                    weight -= learning_rate_ * gradient / (mean_square.sqrt() + kEpsilon);
                } else {
                    moment = (momentum_ * moment) +
                             (learning_rate_ * gradient / (mean_square + kEpsilon).sqrt());
                    weight -= moment;
                }
            });
    }

private:
    float learning_rate_;
    float momentum_;
    Parameters mean_square_;
    Parameters moment_;
};

class Adagrad final : public Optimizer {
public:
    Adagrad(double learning_rate, const Parameters& shapes)
        : learning_rate_(static_cast<float>(learning_rate)),
          accumulator_(constant_like(shapes, kAdagradInitialAccumulator)) {}

    void step(Parameters& parameters, const Parameters& gradients) override {
        for_each_tensor(parameters,
                        gradients,
                        accumulator_,
                        accumulator_,
                        [this](auto weight, auto gradient, auto accumulator, auto /*unused*/) {
                            accumulator += gradient.square();
                            weight -= learning_rate_ * gradient / (accumulator.sqrt() + kEpsilon);
                        });
    }

private:
    float learning_rate_;
    Parameters accumulator_;
};

class Adam final : public Optimizer {
public:
    Adam(double learning_rate, const Parameters& shapes)
        : learning_rate_(learning_rate), first_(zeros_like(shapes)), second_(zeros_like(shapes)) {}

    void step(Parameters& parameters, const Parameters& gradients) override {
        ++steps_;
        const auto power = static_cast<double>(steps_);
        const auto rate =
            static_cast<float>(learning_rate_ * std::sqrt(1.0 - std::pow(kBeta2, power)) /
                               (1.0 - std::pow(kBeta1, power)));
        for_each_tensor(parameters,
                        gradients,
                        first_,
                        second_,
                        [rate](auto weight, auto gradient, auto first, auto second) {
                            update(rate,
                                   weight.size(),
                                   weight.data(),
                                   gradient.data(),
                                   first.data(),
                                   second.data());
                        });
    }

private:
    // One pass over memory: as three Eigen statements over whole tensors it was three
    // passes, 10 array streams instead of 7, and for wide networks the update is bound
    // by memory bandwidth (a tenth of a training step). With AVX2, 8 floats at a time
    // (adam_update_avx2.cpp); else Eigen, chunk by chunk, each chunk staying in L1
    // between the statements. Both compute the same floats as the three statements.
    static void update(float rate,
                       Eigen::Index size,
                       float* weight,
                       const float* gradient,
                       float* first,
                       float* second) {
        constexpr auto kB1 = static_cast<float>(kBeta1);
        constexpr auto kB2 = static_cast<float>(kBeta2);
        if (__builtin_cpu_supports("avx2") != 0) {
            adam_update_avx2({kB1, kB2, kEpsilon}, rate, size, weight, gradient, first, second);
            return;
        }
        constexpr Eigen::Index kChunk = 1024;  // 4 arrays x 4 KiB
        using Chunk = Eigen::Map<Eigen::ArrayXf>;
        for (Eigen::Index start = 0; start < size; start += kChunk) {
            const Eigen::Index length = std::min(kChunk, size - start);
            Chunk weights(weight + start, length);
            const Eigen::Map<const Eigen::ArrayXf> slopes(gradient + start, length);
            Chunk means(first + start, length);
            Chunk squares(second + start, length);
            means = (kB1 * means) + ((1.0F - kB1) * slopes);
            squares = (kB2 * squares) + ((1.0F - kB2) * slopes.square());
            weights -= rate * means / (squares.sqrt() + kEpsilon);
        }
    }

    double learning_rate_;
    std::int64_t steps_ = 0;
    Parameters first_;
    Parameters second_;
};

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(common::OptimizerKind kind,
                                          double learning_rate,
                                          double momentum,
                                          const Parameters& shapes) {
    switch (kind) {
        case common::OptimizerKind::kAdam:
        case common::OptimizerKind::kAdagrad:
            if (momentum != 0) {
                throw common::ConfigError(fmt::format("optimizer {} takes no momentum (got {})",
                                                      common::kOptimizerNames.name(kind),
                                                      momentum));
            }
            if (kind == common::OptimizerKind::kAdagrad) {
                return std::make_unique<Adagrad>(learning_rate, shapes);
            }
            return std::make_unique<Adam>(learning_rate, shapes);
        case common::OptimizerKind::kRmsprop:
            return std::make_unique<RmsProp>(learning_rate, momentum, shapes);
        case common::OptimizerKind::kSgd:
            return std::make_unique<Sgd>(learning_rate, momentum, shapes);
    }
    throw common::ConfigError(fmt::format("unknown optimizer value {}", static_cast<int>(kind)));
}

}  // namespace joulesweep::worker
