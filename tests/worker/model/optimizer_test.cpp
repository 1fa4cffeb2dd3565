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

// Runs `name` on one weight starting at 1.0 with gradients 0.5, -0.25, 1.0; returns it.
float run(const std::string& name, double learning_rate, double momentum) {
    Parameters parameters = scalar(1.0F);
    auto optimizer =
        make_optimizer(common::kOptimizerNames.parse(name), learning_rate, momentum, parameters);
    for (const float gradient : {0.5F, -0.25F, 1.0F}) {
        optimizer->step(parameters, scalar(gradient));
        REQUIRE(parameters.kernels[0](0, 0) == parameters.biases[0](0));  // same rule for both
    }
    return parameters.kernels[0](0, 0);
}

constexpr std::array<double, 3> kGradients{0.5, -0.25, 1.0};

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

TEST_CASE("RMSprop follows Keras: rho 0.9, epsilon 1e-7, with and without momentum",
          "[worker][model]") {
    for (const double momentum : {0.0, 0.9}) {
        double weight = 1.0;
        double mean_square = 0;
        double moment = 0;
        for (const double gradient : kGradients) {
            mean_square = (0.9 * mean_square) + (0.1 * gradient * gradient);
            const double step = 0.01 * gradient / (std::sqrt(mean_square) + 1e-7);
            moment = (momentum * moment) + step;
            weight -= momentum == 0 ? step : moment;
        }
        CHECK(run("rmsprop", 0.01, momentum) == Approx(weight));
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

TEST_CASE("make_optimizer refuses momentum for adam", "[worker][model]") {
    const Parameters shapes = scalar(0);
    CHECK_THROWS_WITH(make_optimizer(common::OptimizerKind::kAdam, 0.1, 0.9, shapes),
                      Catch::Contains("adam takes no momentum"));
}

}  // namespace joulesweep::worker
