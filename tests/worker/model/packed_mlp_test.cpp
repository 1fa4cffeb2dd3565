// The packed backend trains the same runs as the Eigen backend: for every loss, optimizer,
// penalty and shape (residual skips included, where its backward pass takes another
// path), epoch by epoch, within the tolerance docs/training.md documents.

#include "model/packed_mlp.hpp"

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/model/trainer.hpp"
#include "joulesweep/worker/random_stream.hpp"

#include "model/packed_gemm.hpp"
#include "sample_datasets.hpp"

namespace joulesweep::worker {
namespace {

// As for oneDNN (docs/training.md, "The backends agree"): relative to max(1, |value|).
constexpr double kStatisticTolerance = 1e-5;
constexpr double kAccuracyTolerance = 1e-3;

struct Case {
    const char* dataset;
    common::Shape shape;
    const char* optimizer;
    double momentum;
    double l1;
    double l2;
    int threads;
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
    use_compute_threads(run.threads);
    common::RunResult result = train_run(config, dataset, 17, TrainingOptions{});
    use_compute_threads(1);
    return result;
}

}  // namespace

TEST_CASE("PackedMlp: trains every loss, optimizer, penalty and shape as the Eigen backend does",
          "[worker][model][training]") {
    REQUIRE(packed_gemm_available());  // the machines this project builds on have AVX2
    using common::Shape;
    // banana: mean squared error; adult: binary cross-entropy; nursery: categorical.
    const Case run =
        GENERATE(Case{"banana", Shape::kRectangle, "adam", 0, 0, 0, 1},
                 Case{"banana", Shape::kRectangleResidual, "sgd", 0.9, 1e-4, 0, 1},
                 Case{"banana", Shape::kTrapezoid, "rmsprop", 0, 0, 1e-4, 2},
                 Case{"adult", Shape::kRectangleResidual, "adam", 0, 0, 1e-4, 2},
                 Case{"adult", Shape::kWideFirst2x, "sgd", 0, 1e-4, 0, 1},
                 Case{"adult", Shape::kRectangle, "rmsprop", 0.9, 0, 0, 2},
                 Case{"nursery", Shape::kRectangle, "sgd", 0, 0, 0, 1},
                 Case{"nursery", Shape::kRectangleResidual, "rmsprop", 0, 1e-4, 1e-4, 1},
                 Case{"nursery", Shape::kExponential, "adam", 0, 1e-4, 0, 2});
    const PreparedDataset dataset = testing::learnable_dataset(run.dataset);
    const common::RunResult eigen = train_on(run, dataset, "eigen");
    const common::RunResult packed = train_on(run, dataset, "packed");
    INFO(run.dataset << " " << static_cast<int>(run.shape) << " " << run.optimizer << " momentum "
                     << run.momentum << " l1 " << run.l1 << " l2 " << run.l2 << " threads "
                     << run.threads);
    CHECK(packed.backend == "packed");
    CHECK(packed.threads == run.threads);
    CHECK(packed.widths == eigen.widths);
    REQUIRE_FALSE(eigen.diverged);
    REQUIRE(packed.epoch_wall_s.size() == eigen.epoch_wall_s.size());
    for (std::size_t statistic = 0; statistic < common::kStatisticCount; ++statistic) {
        const std::string name(common::kStatisticNames.at(statistic));
        const double tolerance =
            name.find("accuracy") != std::string::npos ? kAccuracyTolerance : kStatisticTolerance;
        for (std::size_t epoch = 0; epoch < eigen.epoch_wall_s.size(); ++epoch) {
            const double expected = eigen.statistics.at(statistic).at(epoch);
            const double actual = packed.statistics.at(statistic).at(epoch);
            const double difference =
                std::abs(actual - expected) / std::max(1.0, std::abs(expected));
            INFO(name << " epoch " << epoch + 1 << ": eigen " << expected << ", packed " << actual);
            CHECK(difference <= tolerance);
        }
    }
    CHECK(eigen.statistics[0].back() < eigen.statistics[0].front());
}

TEST_CASE("PackedMlp: gradients match the Eigen backend's through skips and masks",
          "[worker][model]") {
    // Layers wider than one tile and deeper than one packing block, with a skip between
    // two plain layers: every backward path (masked in the tile, masked after, skip).
    NetworkSpec spec;
    spec.input_width = 300;
    spec.widths = {40, 40, 23, 7};
    spec.residual = {false, true, false, false};
    spec.output = OutputActivation::kSoftmax;
    spec.loss = LossKind::kCategoricalCrossEntropy;
    RandomStream eigen_random(9);
    RandomStream packed_random(9);
    const auto eigen = make_mlp(Backend::kEigen, spec, eigen_random);
    const auto packed = make_mlp(Backend::kPacked, spec, packed_random);
    const Matrix batch = Matrix::Random(45, 300);
    Matrix targets = Matrix::Zero(45, 7);
    for (Eigen::Index row = 0; row < targets.rows(); ++row) {
        targets(row, row % 7) = 1.0F;
    }
    const Matrix expected_outputs = eigen->forward(batch);
    CHECK(packed->forward(batch).isApprox(expected_outputs, 1e-5F));
    Parameters expected = eigen->zero_gradients();
    Parameters actual = packed->zero_gradients();
    eigen->backward(targets, expected);
    packed->backward(targets, actual);
    for (std::size_t layer = 0; layer < spec.widths.size(); ++layer) {
        INFO("layer " << layer);
        CHECK(actual.kernels[layer].isApprox(expected.kernels[layer], 1e-4F));
        CHECK(actual.biases[layer].isApprox(expected.biases[layer], 1e-4F));
    }
}

}  // namespace joulesweep::worker
