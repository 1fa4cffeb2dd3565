#include "joulesweep/worker/datasets/data_split.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

// `rows` rows whose single input is the row number, so parts can be traced back.
PreparedDataset numbered(std::size_t rows, common::Task task, int outputs) {
    PreparedDataset dataset;
    dataset.name = "numbered";
    dataset.task = task;
    dataset.rows = static_cast<std::int64_t>(rows);
    dataset.input_width = 1;
    dataset.output_width = outputs;
    for (std::size_t row = 0; row < rows; ++row) {
        dataset.inputs.push_back(static_cast<float>(row));
        for (int output = 0; output < outputs; ++output) {
            const bool hot =
                task == common::Task::kRegression
                    ? true
                    : static_cast<int>(row % static_cast<std::size_t>(outputs)) == output;
            dataset.targets.push_back(task == common::Task::kRegression
                                          ? static_cast<float>(row % 10) / 10.0F
                                          : (hot ? 1.0F : 0.0F));
        }
    }
    return dataset;
}

std::set<float> row_ids(const DataPart& part) {
    return {part.inputs.begin(), part.inputs.end()};
}

}  // namespace

TEST_CASE("split_dataset: test, validation and train partition the shuffled rows",
          "[worker][datasets][split]") {
    const auto dataset = numbered(101, common::Task::kBinary, 1);
    const auto split = split_dataset(dataset, SplitOptions{0.2, 0.05, 0, 9});
    CHECK(split.test.rows == 21);  // ceil(101 x 0.2)
    CHECK(split.validation.rows == 6);
    CHECK(split.train.rows == 74);
    std::set<float> all = row_ids(split.test);
    all.merge(row_ids(split.validation));
    all.merge(row_ids(split.train));
    CHECK(all.size() == 101);
    CHECK_FALSE(std::ranges::is_sorted(split.train.inputs));  // shuffled

    const auto again = split_dataset(dataset, SplitOptions{0.2, 0.05, 0, 9});
    CHECK(again.train.inputs == split.train.inputs);
    const auto other = split_dataset(dataset, SplitOptions{0.2, 0.05, 0, 10});
    CHECK(other.train.inputs != split.train.inputs);
    // The validation part draws nothing from the stream: the test rows stay the same.
    CHECK(split_dataset(dataset, SplitOptions{0.2, 0, 0, 9}).test.inputs == split.test.inputs);
}

TEST_CASE("label noise flips floor(n x p) binary targets, training rows only",
          "[worker][datasets][split]") {
    const auto dataset = numbered(200, common::Task::kBinary, 1);
    const auto clean = split_dataset(dataset, SplitOptions{0.2, 0, 0, 4});
    const auto noisy = split_dataset(dataset, SplitOptions{0.2, 0, 0.15, 4});
    CHECK(noisy.test.targets == clean.test.targets);
    int flipped = 0;
    for (std::size_t row = 0; row < clean.train.rows; ++row) {
        flipped += noisy.train.targets[row] != clean.train.targets[row] ? 1 : 0;
    }
    CHECK(flipped == 24);  // floor(160 x 0.15)
}

TEST_CASE("label noise moves the hot class of floor(n x p) rows, one hot each (the fix)",
          "[worker][datasets][split]") {
    const auto dataset = numbered(300, common::Task::kClassification, 4);
    const auto clean = split_dataset(dataset, SplitOptions{0.2, 0, 0, 6});
    const auto noisy = split_dataset(dataset, SplitOptions{0.2, 0, 0.2, 6});
    int moved = 0;
    for (std::size_t row = 0; row < noisy.train.rows; ++row) {
        const auto begin = noisy.train.targets.begin() + static_cast<std::ptrdiff_t>(row * 4);
        REQUIRE(std::count(begin, begin + 4, 1.0F) == 1);
        REQUIRE(std::count(begin, begin + 4, 0.0F) == 3);
        const auto clean_begin = clean.train.targets.begin() + static_cast<std::ptrdiff_t>(row * 4);
        moved += std::equal(begin, begin + 4, clean_begin) ? 0 : 1;
    }
    CHECK(moved == 48);  // floor(240 x 0.2), and each moved row has a different class
}

TEST_CASE("label noise on regression adds Gaussian noise scaled by the column's spread",
          "[worker][datasets][split]") {
    const auto dataset = numbered(2000, common::Task::kRegression, 1);
    const auto clean = split_dataset(dataset, SplitOptions{0.2, 0, 0, 8});
    const auto noisy = split_dataset(dataset, SplitOptions{0.2, 0, 0.1, 8});
    double squares = 0;
    for (std::size_t row = 0; row < clean.train.rows; ++row) {
        const double difference = noisy.train.targets[row] - clean.train.targets[row];
        squares += difference * difference;
    }
    // The targets 0.0 .. 0.9 have a standard deviation of about 0.287.
    const double noise_deviation = std::sqrt(squares / static_cast<double>(clean.train.rows));
    CHECK(noise_deviation == Approx(0.1 * 0.287).epsilon(0.1));
}

TEST_CASE("split_dataset refuses fractions that leave no training data",
          "[worker][datasets][split]") {
    const auto dataset = numbered(10, common::Task::kBinary, 1);
    CHECK_THROWS_AS(split_dataset(dataset, SplitOptions{0.6, 0.4, 0, 1}), common::ConfigError);
    CHECK_THROWS_AS(split_dataset(dataset, SplitOptions{0, 0, 0, 1}), common::ConfigError);
    CHECK_THROWS_AS(split_dataset(dataset, SplitOptions{0.2, 0, 1.0, 1}), common::ConfigError);
    CHECK_THROWS_WITH(
        split_dataset(numbered(2, common::Task::kBinary, 1), SplitOptions{0.5, 0.1, 0, 1}),
        Catch::Contains("leave no training row"));
}

}  // namespace joulesweep::worker
