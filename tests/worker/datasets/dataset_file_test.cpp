#include "joulesweep/worker/datasets/dataset_file.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "temporary_directory.hpp"

namespace joulesweep::worker {

TEST_CASE("dataset files round-trip matrices, task and transforms", "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const auto info = *common::find_dataset("banana");
    RawTable table;
    table.features = {RawColumn{"x", {"0.5", "1.5", "2.5"}}, RawColumn{"k", {"7", "7", "7"}}};
    table.target = RawColumn{"target", {"-1", "1", "-1"}};
    PreparedDataset dataset = prepare_table(info, table);
    dataset.source_sha256 = "abc";
    const auto path = directory.path() / "banana.h5";
    write_dataset_file(path, dataset, "joulesweep test");
    CHECK_FALSE(std::filesystem::exists(path.string() + ".partial"));

    const PreparedDataset read = read_dataset_file(path);
    CHECK(read.name == "banana");
    CHECK(read.task == common::Task::kRegression);
    CHECK(read.rows == 3);
    CHECK(read.raw_features == 2);
    CHECK(read.input_width == 3);  // x: three values, one-hot; k: constant, dropped
    CHECK(read.inputs == dataset.inputs);
    CHECK(read.targets == std::vector<float>{1, 0, 1});
    CHECK(read.source_sha256 == "abc");
    REQUIRE(read.input_transforms.size() == 2);
    CHECK(read.input_transforms[1].rule == ColumnRule::kDrop);
    CHECK(read.target_transform.rule == ColumnRule::kBinary);
    CHECK(read.target_transform.values == std::vector<std::string>{"-1"});
}

TEST_CASE("a missing dataset file says how to make it", "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    CHECK_THROWS_WITH(read_dataset_file(directory.path() / "adult.h5"),
                      Catch::Contains("run `joulesweep datasets prepare`"));
}

}  // namespace joulesweep::worker
