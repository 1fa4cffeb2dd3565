// The oneDNN backend trains the same runs as the Eigen backend: for every loss, optimizer,
// penalty and shape (residual skips included), epoch by epoch, within the tolerance
// docs/training.md documents (tests/support/backend_agreement.hpp). The two differ only
// in the order of float additions.

#include "model/onednn_mlp.hpp"  // the backend itself, for its buffer sizes

#include <catch2/catch.hpp>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/random_stream.hpp"

#include "backend_agreement.hpp"
#include "sample_datasets.hpp"

namespace joulesweep::worker {

TEST_CASE("OnednnMlp: trains every loss, optimizer, penalty and shape as the Eigen backend does",
          "[worker][model][training]") {
    using common::Shape;
    using testing::AgreementCase;
    // banana: mean squared error; adult: binary cross-entropy; nursery: categorical.
    const AgreementCase run =
        GENERATE(AgreementCase{"banana", Shape::kRectangle, "adam", 0, 0, 0},
                 AgreementCase{"banana", Shape::kRectangleResidual, "sgd", 0.9, 1e-4, 0},
                 AgreementCase{"banana", Shape::kTrapezoid, "rmsprop", 0, 0, 1e-4},
                 AgreementCase{"adult", Shape::kRectangleResidual, "adam", 0, 0, 1e-4},
                 AgreementCase{"adult", Shape::kWideFirst2x, "sgd", 0, 1e-4, 0},
                 AgreementCase{"adult", Shape::kRectangle, "rmsprop", 0.9, 0, 0},
                 AgreementCase{"nursery", Shape::kRectangle, "sgd", 0, 0, 0},
                 AgreementCase{"nursery", Shape::kRectangleResidual, "rmsprop", 0, 1e-4, 1e-4},
                 AgreementCase{"nursery", Shape::kExponential, "adam", 0, 1e-4, 0});
    const PreparedDataset dataset = testing::learnable_dataset(run.dataset);
    INFO(run.dataset << " " << static_cast<int>(run.shape) << " " << run.optimizer << " momentum "
                     << run.momentum << " l1 " << run.l1 << " l2 " << run.l2);
    const common::RunResult eigen = testing::train_for_agreement(run, dataset, "eigen");
    const common::RunResult onednn = testing::train_for_agreement(run, dataset, "onednn");
    CHECK(onednn.backend == Backend::kOnednn);
    testing::check_agrees_with_eigen(eigen, onednn);
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
