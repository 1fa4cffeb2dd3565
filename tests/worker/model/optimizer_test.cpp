#include "joulesweep/worker/model/optimizer.hpp"

#include <array>
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

Parameters scalar(float value) {
    Parameters parameters;
    parameters.kernels.emplace_back(Matrix::Constant(1, 1, value));
    parameters.biases.emplace_back(RowVector::Constant(1, value));
    return parameters;
}

constexpr std::array<double, 3> kGradients{0.5, -0.25, 1.0};
// Small enough that where epsilon (1e-7) sits changes the step tenfold: sqrt(s + eps)
// against sqrt(s) + eps with s near 1e-9.
constexpr std::array<double, 3> kTinyGradients{1e-4, -5e-5, 2e-4};

// Runs `name` on one weight starting at 1.0 with `gradients`; returns it.
float run(const std::string& name,
          double learning_rate,
          double momentum,
          const std::array<double, 3>& gradients = kGradients) {
    Parameters parameters = scalar(1.0F);
    auto optimizer =
        make_optimizer(common::kOptimizerNames.parse(name), learning_rate, momentum, parameters);
    for (const double gradient : gradients) {
        optimizer->step(parameters, scalar(static_cast<float>(gradient)));
        REQUIRE(parameters.kernels[0](0, 0) == parameters.biases[0](0));  // same rule for both
    }
    return parameters.kernels[0](0, 0);
}

}  // namespace

TEST_CASE("SGD follows Keras: plain, and with momentum (no Nesterov)", "[worker][model]") {
    double weight = 1.0;
    for (const double gradient : kGradients) {
        weight -= 0.1 * gradient;
    }
    CHECK(run("sgd", 0.1, 0) == Approx(weight));
    weight = 1.0;
    double velocity = 0;
    for (const double gradient : kGradients) {
        velocity = (0.9 * velocity) - (0.1 * gradient);
        weight += velocity;
    }
    CHECK(run("sgd", 0.1, 0.9) == Approx(weight));
}

// TensorFlow's RMSprop takes two paths: without momentum ε is added to the root, with
// momentum (the fused ApplyRMSProp kernel) it is added under the root.
TEST_CASE("RMSprop follows Keras: rho 0.9, epsilon 1e-7, outside the root without momentum",
          "[worker][model]") {
    for (const auto& gradients : {kGradients, kTinyGradients}) {
        double weight = 1.0;
        double mean_square = 0;
        for (const double gradient : gradients) {
            mean_square = (0.9 * mean_square) + (0.1 * gradient * gradient);
            weight -= 0.01 * gradient / (std::sqrt(mean_square) + 1e-7);
        }
        CHECK(run("rmsprop", 0.01, 0, gradients) == Approx(weight).epsilon(1e-6));
    }
}

TEST_CASE("RMSprop follows Keras: with momentum epsilon is inside the root", "[worker][model]") {
    for (const auto& gradients : {kGradients, kTinyGradients}) {
        double weight = 1.0;
        double mean_square = 0;
        double moment = 0;
        for (const double gradient : gradients) {
            mean_square = (0.9 * mean_square) + (0.1 * gradient * gradient);
            moment = (0.9 * moment) + (0.01 * gradient / std::sqrt(mean_square + 1e-7));
            weight -= moment;
        }
        CHECK(run("rmsprop", 0.01, 0.9, gradients) == Approx(weight).epsilon(1e-6));
    }
}

TEST_CASE("Adagrad follows Keras: accumulator from 0.1, epsilon 1e-7", "[worker][model]") {
    for (const auto& gradients : {kGradients, kTinyGradients}) {
        double weight = 1.0;
        double accumulator = 0.1;
        for (const double gradient : gradients) {
            accumulator += gradient * gradient;
            weight -= 0.01 * gradient / (std::sqrt(accumulator) + 1e-7);
        }
        CHECK(run("adagrad", 0.01, 0, gradients) == Approx(weight).epsilon(1e-6));
    }
}

TEST_CASE("Adam follows Keras: bias correction in the rate, epsilon 1e-7", "[worker][model]") {
    double weight = 1.0;
    double first = 0;
    double second = 0;
    int step = 0;
    for (const double gradient : kGradients) {
        ++step;
        first = (0.9 * first) + (0.1 * gradient);
        second = (0.999 * second) + (0.001 * gradient * gradient);
        const double rate = 1e-3 * std::sqrt(1 - std::pow(0.999, step)) / (1 - std::pow(0.9, step));
        weight -= rate * first / (std::sqrt(second) + 1e-7);
    }
    CHECK(run("adam", 1e-3, 0) == Approx(weight).epsilon(1e-6));
}

TEST_CASE("make_optimizer refuses momentum for adam and adagrad", "[worker][model]") {
    const Parameters shapes = scalar(0);
    CHECK_THROWS_WITH(make_optimizer(common::OptimizerKind::kAdam, 0.1, 0.9, shapes),
                      Catch::Contains("adam takes no momentum"));
    CHECK_THROWS_WITH(make_optimizer(common::OptimizerKind::kAdagrad, 0.1, 0.9, shapes),
                      Catch::Contains("adagrad takes no momentum"));
}

}  // namespace joulesweep::worker
