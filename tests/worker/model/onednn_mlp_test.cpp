// The oneDNN backend trains the same runs as the Eigen backend: for every loss, optimizer,
// penalty and shape (residual skips included), epoch by epoch, within the tolerance
// docs/training.md documents. The two differ only in the order of float additions.

#include "model/onednn_mlp.hpp"  // the backend itself, for its buffer sizes

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/model/trainer.hpp"
#include "joulesweep/worker/random_stream.hpp"

#include "sample_datasets.hpp"

namespace joulesweep::worker {
namespace {

// Documented in docs/training.md ("The backends agree"): every per-epoch statistic of a
// oneDNN run is within this of the Eigen run's, relative to max(1, |value|); measured
// differences are at most 4e-7...
constexpr double kStatisticTolerance = 1e-5;
// ...and accuracy within a few samples, in case one on the decision boundary flips.
constexpr double kAccuracyTolerance = 1e-3;

struct Case {
    const char* dataset;
    common::Shape shape;
    const char* optimizer;
    double momentum;
    double l1;
    double l2;
};

common::RunResult train_on(const Case& run, const PreparedDataset& dataset, const char* backend) {
    common::ExperimentConfig config;
    config.dataset = run.dataset;
    config.shape = run.shape;
    config.depth = 4;
    config.size = 2048;
    config.learning_rate = run.optimizer == std::string("sgd") ? 1e-2 : 1e-4;
    config.batch_size = 64;
    config.optimizer = run.optimizer;
    config.momentum = run.momentum;
    config.l1 = run.l1;
    config.l2 = run.l2;
    config.epochs = 3;
    config.backend = backend;
    return train_run(config, dataset, 17, TrainingOptions{});
}

}  // namespace

TEST_CASE("OnednnMlp: trains every loss, optimizer, penalty and shape as the Eigen backend does",
          "[worker][model][training]") {
    using common::Shape;
    // banana: mean squared error; adult: binary cross-entropy; nursery: categorical.
    const Case run = GENERATE(Case{"banana", Shape::kRectangle, "adam", 0, 0, 0},
                              Case{"banana", Shape::kRectangleResidual, "sgd", 0.9, 1e-4, 0},
                              Case{"banana", Shape::kTrapezoid, "rmsprop", 0, 0, 1e-4},
                              Case{"adult", Shape::kRectangleResidual, "adam", 0, 0, 1e-4},
                              Case{"adult", Shape::kWideFirst2x, "sgd", 0, 1e-4, 0},
                              Case{"adult", Shape::kRectangle, "rmsprop", 0.9, 0, 0},
                              Case{"nursery", Shape::kRectangle, "sgd", 0, 0, 0},
                              Case{"nursery", Shape::kRectangleResidual, "rmsprop", 0, 1e-4, 1e-4},
                              Case{"nursery", Shape::kExponential, "adam", 0, 1e-4, 0});
    const PreparedDataset dataset = testing::learnable_dataset(run.dataset);
    const common::RunResult eigen = train_on(run, dataset, "eigen");
    const common::RunResult onednn = train_on(run, dataset, "onednn");
    INFO(run.dataset << " " << static_cast<int>(run.shape) << " " << run.optimizer << " momentum "
                     << run.momentum << " l1 " << run.l1 << " l2 " << run.l2);
    CHECK(eigen.backend == "eigen");
    CHECK(onednn.backend == "onednn");
    CHECK(onednn.widths == eigen.widths);
    REQUIRE_FALSE(eigen.diverged);
    REQUIRE(onednn.epoch_wall_s.size() == eigen.epoch_wall_s.size());
    for (std::size_t statistic = 0; statistic < common::kStatisticCount; ++statistic) {
        const std::string name(common::kStatisticNames.at(statistic));
        const double tolerance =
            name.find("accuracy") != std::string::npos ? kAccuracyTolerance : kStatisticTolerance;
        for (std::size_t epoch = 0; epoch < eigen.epoch_wall_s.size(); ++epoch) {
            const double expected = eigen.statistics.at(statistic).at(epoch);
            const double actual = onednn.statistics.at(statistic).at(epoch);
            const double difference =
                std::abs(actual - expected) / std::max(1.0, std::abs(expected));
            INFO(name << " epoch " << epoch + 1 << ": eigen " << expected << ", onednn " << actual);
            CHECK(difference <= tolerance);
        }
    }
    // The runs really trained: the training loss fell.
    CHECK(eigen.statistics[0].back() < eigen.statistics[0].front());
}

TEST_CASE("OnednnMlp: a batch size that only evaluates holds no gradient buffers",
          "[worker][model]") {
    NetworkSpec spec;
    spec.input_width = 6;
    spec.widths = {16, 16, 3};
    spec.residual = {false, true, false};
    spec.output = OutputActivation::kSoftmax;
    spec.loss = LossKind::kCategoricalCrossEntropy;
    RandomStream random(5);
    OnednnMlp mlp(spec, random);
    constexpr std::size_t kFloat = sizeof(float);

    // The test pass: inputs, two hidden activations and the skip's sum, nothing else.
    const Matrix test_chunk = Matrix::Random(1000, 6);
    mlp.forward(test_chunk);
    const std::size_t evaluating = mlp.buffer_bytes();
    CHECK(evaluating == std::size_t{1000} * (6 + 16 + 16 + 16) * kFloat);

    // A training batch adds its own forward buffers, then on backward its deltas (every
    // layer) and upstream gradients (every hidden layer).
    const Matrix batch = Matrix::Random(32, 6);
    Matrix targets = Matrix::Zero(32, 3);
    targets.col(0).setOnes();
    mlp.forward(batch);
    CHECK(mlp.buffer_bytes() == evaluating + std::size_t{32} * (6 + 16 + 16 + 16) * kFloat);
    Parameters gradients = mlp.zero_gradients();
    mlp.backward(targets, gradients);
    const std::size_t training =
        evaluating + std::size_t{32} * (6 + 16 + 16 + 16 + (16 + 16 + 3) + (16 + 16)) * kFloat;
    CHECK(mlp.buffer_bytes() == training);
    mlp.backward(targets, gradients);  // built once
    mlp.forward(test_chunk);
    CHECK(mlp.buffer_bytes() == training);
}

}  // namespace joulesweep::worker
