#include "joulesweep/common/dataset_catalog.hpp"

#include <set>
#include <string>

#include <catch2/catch.hpp>

namespace joulesweep::common {

TEST_CASE("dataset_catalog: the 13 BUTTER datasets, 7 of them core", "[common][datasets]") {
    const auto& catalog = dataset_catalog();
    std::set<std::string> names;
    int core = 0;
    for (const DatasetInfo& dataset : catalog) {
        names.emplace(dataset.name);
        core += dataset.core ? 1 : 0;
        CHECK(dataset.input_width > 0);
        CHECK(dataset.output_width > 0);
        CHECK(dataset.rows > 0);
    }
    CHECK(names.size() == 13);
    CHECK(core == 7);
    CHECK_FALSE(names.contains("poker"));  // used by some BUTTER scripts, not published
}

TEST_CASE("find_dataset: knows MNIST's shape and the task BUTTER really ran",
          "[common][datasets]") {
    const auto mnist = find_dataset("mnist");
    REQUIRE(mnist);
    CHECK(mnist->input_width == 784);
    CHECK(mnist->output_width == 10);
    CHECK(mnist->task == Task::kClassification);
    CHECK(find_dataset("201_pol")->task == Task::kClassification);
    CHECK(find_dataset("294_satellite_image")->task == Task::kRegression);
    CHECK(find_dataset("adult")->task == Task::kBinary);
    CHECK(find_dataset("connect_4")->input_width == 126);  // 42 three-valued columns, one-hot
    CHECK_FALSE(find_dataset("MNIST"));
    CHECK(to_text(Task::kBinary) == "binary");
}

}  // namespace joulesweep::common
