// The packed backend trains the same runs as the Eigen backend: for every loss, optimizer,
// penalty and shape (residual skips included, where its backward pass takes another
// path), epoch by epoch, within the tolerance docs/training.md documents
// (tests/support/backend_agreement.hpp); and its GEMM's gradients match Eigen's directly.

#include "model/packed_mlp.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/run_result.hpp"
#include "joulesweep/worker/random_stream.hpp"

#include "backend_agreement.hpp"
#include "model/packed_gemm.hpp"
#include "sample_datasets.hpp"

namespace joulesweep::worker {

TEST_CASE("PackedMlp: trains every loss, optimizer, penalty and shape as the Eigen backend does",
          "[worker][model][training]") {
    REQUIRE(packed_gemm_available());  // the machines this project builds on have AVX2
    using common::Shape;
    using testing::AgreementCase;
    // banana: mean squared error; adult: binary cross-entropy; nursery: categorical.
    // Every other case on 2 threads, which split each product's columns.
    const AgreementCase run =
        GENERATE(AgreementCase{"banana", Shape::kRectangle, "adam", 0, 0, 0, 1},
                 AgreementCase{"banana", Shape::kRectangleResidual, "sgd", 0.9, 1e-4, 0, 2},
                 AgreementCase{"banana", Shape::kTrapezoid, "rmsprop", 0, 0, 1e-4, 1},
                 AgreementCase{"adult", Shape::kRectangleResidual, "adam", 0, 0, 1e-4, 2},
                 AgreementCase{"adult", Shape::kWideFirst2x, "sgd", 0, 1e-4, 0, 1},
                 AgreementCase{"adult", Shape::kRectangle, "rmsprop", 0.9, 0, 0, 2},
                 AgreementCase{"nursery", Shape::kRectangle, "sgd", 0, 0, 0, 1},
                 AgreementCase{"nursery", Shape::kRectangleResidual, "rmsprop", 0, 1e-4, 1e-4, 2},
                 AgreementCase{"nursery", Shape::kExponential, "adam", 0, 1e-4, 0, 1});
    const PreparedDataset dataset = testing::learnable_dataset(run.dataset);
    INFO(run.dataset << " " << static_cast<int>(run.shape) << " " << run.optimizer << " momentum "
                     << run.momentum << " l1 " << run.l1 << " l2 " << run.l2 << " threads "
                     << run.threads);
    const common::RunResult eigen = testing::train_for_agreement(run, dataset, "eigen");
    const common::RunResult packed = testing::train_for_agreement(run, dataset, "packed");
    CHECK(packed.backend == Backend::kPacked);
    CHECK(packed.threads == run.threads);
    testing::check_agrees_with_eigen(eigen, packed);
}

TEST_CASE("PackedMlp: gradients match the Eigen backend's through skips, masks and batch sizes",
          "[worker][model]") {
    // Layers wider than one tile and deeper than one packing block, with a skip between
    // two plain layers: every backward path (masked in the tile, masked after, skip).
    // Batches whose last tile has each possible number of rows (1 to 6), and more rows
    // than one packing block (144).
    const Eigen::Index rows = GENERATE(1, 2, 3, 4, 5, 6, 32, 45, 256);
    INFO("batch " << rows);
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
    const Matrix batch = Matrix::Random(rows, 300);
    Matrix targets = Matrix::Zero(rows, 7);
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
