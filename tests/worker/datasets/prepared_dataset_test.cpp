#include "joulesweep/worker/datasets/prepared_dataset.hpp"

#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {

TEST_CASE("prepare_table: inputs laid out column by column, targets one-hot",
          "[worker][datasets]") {
    RawTable table;
    table.features = {RawColumn{"a", {"0", "5", "10"}}, RawColumn{"b", {"x", "y", "x"}}};
    table.target = RawColumn{"target", {"2", "0", "1"}};
    const auto dataset = prepare_table(*common::find_dataset("splice"), table);
    CHECK(dataset.input_width == 4);  // a: 3 numbers, one-hot; b: 2 values, one 0/1 column
    CHECK(dataset.inputs == std::vector<float>{1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1});
    CHECK(dataset.output_width == 3);
    CHECK(dataset.targets == std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0});
    CHECK(dataset.task == common::Task::kClassification);
}

TEST_CASE("check_against_catalog names what differs and why it matters", "[worker][datasets]") {
    const auto info = *common::find_dataset("adult");
    PreparedDataset dataset;
    dataset.rows = info.rows;
    dataset.raw_features = info.raw_features;
    dataset.input_width = info.input_width - 1;
    dataset.output_width = info.output_width;
    CHECK_THROWS_WITH(check_against_catalog(dataset, info),
                      Catch::Contains("dataset adult: preparing it gave 80 network inputs but the "
                                      "catalog, which the enqueuer sizes networks from, says 81"));
    dataset.input_width = info.input_width;
    CHECK_NOTHROW(check_against_catalog(dataset, info));
}

TEST_CASE("BUTTER's output activation and loss per task", "[worker][datasets]") {
    CHECK(output_activation(common::Task::kClassification) == "softmax");
    CHECK(output_activation(common::Task::kBinary) == "sigmoid");
    CHECK(loss_name(common::Task::kRegression) == "mean_squared_error");
    CHECK(loss_name(common::Task::kBinary) == "binary_crossentropy");
    CHECK(loss_name(common::Task::kClassification) == "categorical_crossentropy");
}

}  // namespace joulesweep::worker
