#include "joulesweep/common/dataset_catalog.hpp"

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace joulesweep::common {
namespace {

// Entries with that name; other tests in this process may have registered their own.
std::ptrdiff_t registered(std::string_view name) {
    return std::ranges::count(imported_datasets(), name, &DatasetInfo::name);
}

}  // namespace

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

TEST_CASE("register_dataset: an imported dataset is found by name, its name owned",
          "[common][datasets]") {
    std::string name = "catalog_test_owned";
    register_dataset(DatasetInfo{name, 300, 4, 6, 1, Task::kRegression, true});
    name = "overwritten";  // the registry keeps its own copy
    const auto found = find_dataset("catalog_test_owned");
    REQUIRE(found);
    CHECK(found->name == "catalog_test_owned");
    CHECK(found->input_width == 6);
    CHECK_FALSE(found->core);  // never one of BUTTER's core datasets
    CHECK(known_dataset_names().ends_with("catalog_test_owned (imported)"));
    CHECK(registered("catalog_test_owned") == 1);
}

TEST_CASE(
    "register_dataset: the same facts twice is a no-op, other facts or BUTTER's name "
    "are refused",
    "[common][datasets]") {
    const DatasetInfo info{"catalog_test_twice", 300, 4, 6, 1, Task::kRegression, false};
    register_dataset(info);
    register_dataset(info);
    CHECK(registered("catalog_test_twice") == 1);
    DatasetInfo wider = info;
    wider.input_width = 7;
    CHECK_THROWS_WITH(register_dataset(wider),
                      Catch::Contains("named 'catalog_test_twice' with different rows or widths"));
    DatasetInfo butter = info;
    butter.name = "mnist";
    CHECK_THROWS_WITH(register_dataset(butter), Catch::Contains("that is one of BUTTER's"));
    CHECK(find_dataset("mnist")->input_width == 784);
}

}  // namespace joulesweep::common
