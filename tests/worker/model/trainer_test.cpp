#include "joulesweep/worker/model/trainer.hpp"

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "sample_datasets.hpp"

namespace joulesweep::worker {
namespace {

using testing::learnable_banana;

common::ExperimentConfig config_for(int epochs) {
    common::ExperimentConfig config;
    config.dataset = "banana";
    config.shape = common::Shape::kRectangle;
    config.depth = 3;
    config.size = 256;
    config.learning_rate = 1e-2;
    config.batch_size = 64;
    config.epochs = epochs;
    return config;
}

}  // namespace

TEST_CASE("train_run: learns, records every epoch, and a seed fixes the whole run",
          "[worker][model][training]") {
    const PreparedDataset dataset = learnable_banana();
    int reported = 0;
    TrainingOptions options;
    options.on_epoch = [&reported](const EpochReport& report) {
        reported = report.epoch;
    };
    const common::RunResult first = train_run(config_for(8), dataset, 7, options);
    CHECK(reported == 8);
    CHECK_FALSE(first.diverged);
    REQUIRE(first.epoch_wall_s.size() == 8);
    for (std::size_t index = 0; index < common::kValidationOffset; ++index) {
        CHECK(first.statistics.at(index).size() == 8);
    }
    const auto& test_accuracy = first.statistics[11];
    CHECK(test_accuracy.back() > 0.9F);
    CHECK(first.statistics[10].back() < first.statistics[10].front());  // test loss falls
    CHECK(first.widths.back() == 1);

    // Without validation rows the validation series stay empty.
    CHECK(first.statistics[common::kValidationOffset].empty());

    const common::RunResult again = train_run(config_for(8), dataset, 7, TrainingOptions{});
    CHECK(again.statistics == first.statistics);
    const common::RunResult other = train_run(config_for(8), dataset, 8, TrainingOptions{});
    CHECK(other.statistics != first.statistics);
}

TEST_CASE("train_run: every optimizer, a residual shape and penalties train without NaN",
          "[worker][model][training]") {
    const PreparedDataset dataset = learnable_banana();
    for (const auto& [optimizer, momentum] : {std::pair{"adam", 0.0},
                                              std::pair{"rmsprop", 0.9},
                                              std::pair{"sgd", 0.9},
                                              std::pair{"sgd", 0.0},
                                              std::pair{"adagrad", 0.0}}) {
        common::ExperimentConfig config = config_for(2);
        config.optimizer = common::kOptimizerNames.parse(optimizer);
        config.momentum = momentum;
        config.shape = common::Shape::kRectangleResidual;
        config.depth = 5;
        config.l1 = 1e-4;
        config.l2 = 1e-4;
        const auto result = train_run(config, dataset, 3, TrainingOptions{});
        INFO(optimizer << " momentum " << momentum);
        CHECK_FALSE(result.diverged);
        CHECK(std::isfinite(result.statistics[0].back()));
    }
}

TEST_CASE("train_run: divergence stops the run and keeps its history",
          "[worker][model][training]") {
    common::ExperimentConfig config = config_for(5);
    config.optimizer = common::OptimizerKind::kSgd;
    config.learning_rate = 1e12;
    config.l2 = 1;  // each step multiplies every kernel by about -2e12: Inf within a few steps
    const auto result = train_run(config, learnable_banana(), 1, TrainingOptions{});
    CHECK(result.diverged);
    CHECK(result.epoch_wall_s.size() < 5);
    CHECK(result.statistics[0].size() == result.epoch_wall_s.size());
}

TEST_CASE("train_run: impossible configurations are permanent errors",
          "[worker][model][training]") {
    const PreparedDataset dataset = learnable_banana();
    common::ExperimentConfig config = config_for(1);
    config.momentum = 0.9;  // adam has none
    CHECK_THROWS_AS(train_run(config, dataset, 1, TrainingOptions{}), common::ConfigError);
    config = config_for(1);
    config.depth = 1;
    CHECK_THROWS_WITH(train_run(config, dataset, 1, TrainingOptions{}),
                      "depth: 1 is outside 2..1000");
    config = config_for(1);
    config.size = 4;  // no network within 20%
    CHECK_THROWS_AS(train_run(config, dataset, 1, TrainingOptions{}), common::ConfigError);
    config = config_for(1);
    config.batch_size = 0;
    CHECK_THROWS_AS(train_run(config, dataset, 1, TrainingOptions{}), common::ConfigError);
}

TEST_CASE("train_run: validation rows are evaluated after every epoch, like the test set",
          "[worker][model][training]") {
    common::ExperimentConfig config = config_for(4);
    config.validation_fraction = 0.1;
    std::vector<float> reported;
    TrainingOptions options;
    options.on_epoch = [&reported](const EpochReport& report) {
        reported.push_back(report.statistics[common::kValidationOffset]);
    };
    const common::RunResult result = train_run(config, learnable_banana(), 7, options);
    for (std::size_t index = common::kValidationOffset; index < common::kStatisticCount; ++index) {
        CHECK(result.statistics.at(index).size() == 4);
    }
    const auto& validation_loss = result.statistics[common::kValidationOffset];
    CHECK(validation_loss == reported);
    CHECK(validation_loss.back() < validation_loss.front());
    // Held-out rows, not the test rows: the two losses differ.
    CHECK(validation_loss != result.statistics[common::kTestLossIndex]);
    CHECK(result.statistics[common::kValidationOffset + 1].back() > 0.9F);  // accuracy
}

}  // namespace joulesweep::worker
