#include "joulesweep/worker/model/mlp.hpp"

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

namespace joulesweep::worker {
namespace {

NetworkSpec small_network(LossKind loss, bool residual, double l1, double l2) {
    NetworkSpec spec;
    spec.input_width = 3;
    spec.widths = {4, 4, 4, loss == LossKind::kCategoricalCrossEntropy ? 3 : 2};
    spec.residual = {false, residual, residual, false};
    spec.output = loss == LossKind::kCategoricalCrossEntropy ? OutputActivation::kSoftmax
                                                             : OutputActivation::kSigmoid;
    spec.loss = loss;
    spec.l1 = l1;
    spec.l2 = l2;
    return spec;
}

Matrix batch_inputs() {
    Matrix inputs(5, 3);
    inputs << 0.1F, 0.9F, 0.3F, 0.5F, 0.2F, 0.8F, 0.7F, 0.4F, 0.0F, 0.3F, 0.6F, 0.5F, 1.0F, 0.1F,
        0.2F;
    return inputs;
}

Matrix batch_targets(int width, bool one_hot) {
    Matrix targets = Matrix::Zero(5, width);
    for (int row = 0; row < 5; ++row) {
        if (one_hot) {
            targets(row, row % width) = 1.0F;
        } else {
            for (int column = 0; column < width; ++column) {
                targets(row, column) = static_cast<float>((row + column) % 3) / 2.0F;
            }
        }
    }
    return targets;
}

double total_loss(Mlp& mlp, const Matrix& inputs, const Matrix& targets) {
    mlp.forward(inputs);
    return static_cast<double>(mlp.sample_losses(targets).mean()) + mlp.penalty();
}

// Compares backward() with central differences of the loss for every parameter.
void check_gradients(Backend backend, const NetworkSpec& spec) {
    RandomStream random(11);
    const auto model = make_mlp(backend, spec, random);
    Mlp& mlp = *model;
    const Matrix inputs = batch_inputs();
    const Matrix targets =
        batch_targets(spec.widths.back(), spec.loss == LossKind::kCategoricalCrossEntropy);
    mlp.forward(inputs);
    Parameters gradients = mlp.zero_gradients();
    mlp.backward(targets, gradients);

    constexpr float kStep = 1e-3F;  // small enough not to cross a ReLU kink here
    const auto check = [&](float& weight, float analytic, const std::string& where) {
        const float original = weight;
        weight = original + kStep;
        const double up = total_loss(mlp, inputs, targets);
        weight = original - kStep;
        const double down = total_loss(mlp, inputs, targets);
        weight = original;
        const double numeric = (up - down) / (2.0 * kStep);
        INFO(where << ": analytic " << analytic << ", numeric " << numeric);
        CHECK(std::abs(analytic - numeric) <= 2e-3 + (2e-2 * std::abs(numeric)));
    };
    for (std::size_t layer = 0; layer < spec.widths.size(); ++layer) {
        Matrix& kernel = mlp.parameters().kernels[layer];
        for (Eigen::Index row = 0; row < kernel.rows(); ++row) {
            for (Eigen::Index column = 0; column < kernel.cols(); ++column) {
                check(kernel(row, column),
                      gradients.kernels[layer](row, column),
                      "kernel " + std::to_string(layer));
            }
        }
        RowVector& bias = mlp.parameters().biases[layer];
        for (Eigen::Index column = 0; column < bias.cols(); ++column) {
            check(bias(column), gradients.biases[layer](column), "bias " + std::to_string(layer));
        }
    }
}

}  // namespace

TEST_CASE("Mlp: backward matches finite differences for every loss, skip, penalty and backend",
          "[worker][model]") {
    const Backend backend = GENERATE(Backend::kEigen, Backend::kOnednn);
    INFO("backend " << common::kBackendNames.name(backend));
    for (const LossKind loss : {LossKind::kMeanSquaredError,
                                LossKind::kBinaryCrossEntropy,
                                LossKind::kCategoricalCrossEntropy}) {
        for (const bool residual : {false, true}) {
            INFO("loss " << static_cast<int>(loss) << ", residual " << residual);
            check_gradients(backend, small_network(loss, residual, 0, 0));
            check_gradients(backend, small_network(loss, residual, 0.01, 0));
            check_gradients(backend, small_network(loss, residual, 0, 0.02));
        }
    }
}

TEST_CASE("Mlp: Glorot-uniform kernels within their limit, zero biases, seeded, any backend",
          "[worker][model]") {
    NetworkSpec spec = small_network(LossKind::kMeanSquaredError, false, 0, 0);
    RandomStream first_random(5);
    RandomStream second_random(5);
    const auto first = make_mlp(Backend::kEigen, spec, first_random);
    const auto second = make_mlp(Backend::kOnednn, spec, second_random);
    CHECK(first->parameters().kernels[1] == second->parameters().kernels[1]);
    const float limit = std::sqrt(6.0F / (4.0F + 4.0F));
    CHECK(first->parameters().kernels[1].cwiseAbs().maxCoeff() <= limit);
    CHECK(first->parameters().kernels[1].cwiseAbs().maxCoeff() > limit / 2);
    CHECK(first->parameters().biases[0].isZero());
}

TEST_CASE("Mlp: losses from logits equal the textbook formulas on probabilities",
          "[worker][model]") {
    for (const LossKind loss : {LossKind::kMeanSquaredError,
                                LossKind::kBinaryCrossEntropy,
                                LossKind::kCategoricalCrossEntropy}) {
        const NetworkSpec spec = small_network(loss, false, 0, 0);
        RandomStream random(2);
        const auto model = make_mlp(Backend::kEigen, spec, random);
        Mlp& mlp = *model;
        const Matrix outputs = mlp.forward(batch_inputs());
        const bool one_hot = loss == LossKind::kCategoricalCrossEntropy;
        const Matrix targets = batch_targets(spec.widths.back(), one_hot);
        const Eigen::VectorXf losses = mlp.sample_losses(targets);
        for (Eigen::Index row = 0; row < outputs.rows(); ++row) {
            double expected = 0;
            for (Eigen::Index column = 0; column < outputs.cols(); ++column) {
                const double p = outputs(row, column);
                const double y = targets(row, column);
                switch (loss) {
                    case LossKind::kMeanSquaredError:
                        expected += (p - y) * (p - y) / static_cast<double>(outputs.cols());
                        break;
                    case LossKind::kBinaryCrossEntropy:
                        expected -= ((y * std::log(p)) + ((1 - y) * std::log(1 - p))) /
                                    static_cast<double>(outputs.cols());
                        break;
                    case LossKind::kCategoricalCrossEntropy:
                        expected -= y * std::log(p);
                        break;
                }
            }
            CHECK(losses(row) == Approx(expected).epsilon(1e-4));
        }
        if (one_hot) {
            CHECK(outputs.rowwise().sum().isOnes(1e-5F));
        }
    }
}

}  // namespace joulesweep::worker
