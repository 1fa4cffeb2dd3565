#include "backend_agreement.hpp"

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/model/trainer.hpp"

namespace joulesweep::testing {

common::RunResult train_for_agreement(const AgreementCase& run,
                                      const worker::PreparedDataset& dataset,
                                      const char* backend) {
    common::ExperimentConfig config;
    config.dataset = run.dataset;
    config.shape = run.shape;
    config.depth = 4;
    config.size = 2048;
    config.learning_rate = run.optimizer == std::string("sgd") ? 1e-2 : 1e-4;
    config.batch_size = 64;
    config.optimizer = common::kOptimizerNames.parse(run.optimizer);
    config.momentum = run.momentum;
    config.l1 = run.l1;
    config.l2 = run.l2;
    config.epochs = 3;
    config.validation_fraction = 0.1;  // so that the validation series agree too
    worker::TrainingOptions options;
    options.backend = common::kBackendNames.parse(backend);
    worker::use_compute_threads(run.threads);
    common::RunResult result = worker::train_run(config, dataset, 17, options);
    worker::use_compute_threads(1);
    return result;
}

void check_agrees_with_eigen(const common::RunResult& eigen, const common::RunResult& other) {
    CHECK(eigen.backend == common::Backend::kEigen);
    CHECK(other.widths == eigen.widths);
    REQUIRE_FALSE(eigen.diverged);
    REQUIRE(other.epoch_wall_s.size() == eigen.epoch_wall_s.size());
    for (std::size_t statistic = 0; statistic < common::kStatisticCount; ++statistic) {
        const std::string name(common::kStatisticNames.at(statistic));
        const double tolerance =
            name.find("accuracy") != std::string::npos ? kAccuracyTolerance : kStatisticTolerance;
        REQUIRE(eigen.statistics.at(statistic).size() == eigen.epoch_wall_s.size());
        for (std::size_t epoch = 0; epoch < eigen.epoch_wall_s.size(); ++epoch) {
            const double expected = eigen.statistics.at(statistic).at(epoch);
            const double actual = other.statistics.at(statistic).at(epoch);
            const double difference =
                std::abs(actual - expected) / std::max(1.0, std::abs(expected));
            INFO(name << " epoch " << epoch + 1 << ": eigen " << expected << ", "
                      << common::kBackendNames.name(other.backend) << " " << actual);
            CHECK(difference <= tolerance);
        }
    }
    // The runs really trained: the training loss fell.
    CHECK(eigen.statistics[0].back() < eigen.statistics[0].front());
}

}  // namespace joulesweep::testing
