#include "joulesweep/worker/datasets/dataset_file.hpp"

#include <filesystem>
#include <limits>

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

TEST_CASE("read_dataset: a file holding another dataset, or NaN, is refused by name",
          "[worker][datasets]") {
    using Catch::Contains;
    const testing::TemporaryDirectory directory;
    RawTable table;
    table.features = {RawColumn{"x", {"0.5", "1.5", "2.5"}}};
    table.target = RawColumn{"target", {"-1", "1", "-1"}};
    PreparedDataset banana = prepare_table(*common::find_dataset("banana"), table);
    write_dataset_file(directory.path() / "banana.h5", banana, "joulesweep test");
    CHECK(read_dataset(directory.path(), "banana").rows == 3);

    // banana.h5 copied to 529_pollen.h5 must not train as 529_pollen.
    std::filesystem::copy_file(directory.path() / "banana.h5", directory.path() / "529_pollen.h5");
    CHECK_THROWS_WITH(read_dataset(directory.path(), "529_pollen"),
                      Contains("529_pollen.h5 holds dataset 'banana', not '529_pollen'"));

    banana.inputs[4] = std::numeric_limits<float>::quiet_NaN();
    write_dataset_file(directory.path() / "banana.h5", banana, "joulesweep test");
    CHECK_THROWS_WITH(read_dataset(directory.path(), "banana"),
                      Contains("banana.h5: /inputs[1, 1] is nan: the file is damaged"));
    banana.inputs[4] = 0.0F;
    banana.targets[2] = std::numeric_limits<float>::infinity();
    write_dataset_file(directory.path() / "banana.h5", banana, "joulesweep test");
    CHECK_THROWS_AS(read_dataset(directory.path(), "banana"), common::ConfigError);
}

}  // namespace joulesweep::worker
