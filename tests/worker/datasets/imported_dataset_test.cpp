#include "joulesweep/worker/datasets/imported_dataset.hpp"

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

using Catch::Contains;

RawColumn column(std::string name, std::vector<std::string> cells) {
    return RawColumn{std::move(name), std::move(cells)};
}

std::vector<std::string> numbers(int count, double scale = 1.0) {
    std::vector<std::string> cells;
    cells.reserve(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row) {
        cells.push_back(std::to_string(row * scale));
    }
    return cells;
}

RawTable table_with_target(RawColumn target) {
    const auto rows = static_cast<int>(target.cells.size());
    RawTable table;
    table.features.push_back(column("x", numbers(rows)));
    table.target = std::move(target);
    return table;
}

}  // namespace

TEST_CASE("prepare_imported: the task inferred as BUTTER's rules read the target",
          "[worker][datasets]") {
    const auto many = table_with_target(column("y", numbers(30, 0.5)));
    const PreparedDataset regression = prepare_imported("imp", many, std::nullopt);
    CHECK(regression.task == common::Task::kRegression);
    CHECK(regression.output_width == 1);
    CHECK(regression.targets.front() == 0.0F);
    CHECK(regression.targets.back() == 1.0F);  // min-max to [0, 1] for the sigmoid output

    const auto words = table_with_target(column("y", {"cat", "dog", "cat", "eel"}));
    const PreparedDataset classes = prepare_imported("imp", words, std::nullopt);
    CHECK(classes.task == common::Task::kClassification);
    CHECK(classes.output_width == 3);
    CHECK(classes.target_transform.values == std::vector<std::string>{"cat", "dog", "eel"});

    const auto two = table_with_target(column("y", {"no", "yes", "yes"}));
    const PreparedDataset binary = prepare_imported("imp", two, std::nullopt);
    CHECK(binary.task == common::Task::kBinary);
    CHECK(binary.targets == std::vector<float>{1.0F, 0.0F, 0.0F});  // 1 where row 1's value
    CHECK(catalog_entry(binary).output_width == 1);
}

TEST_CASE("prepare_imported: --task overrides the inference", "[worker][datasets]") {
    // 30 numeric classes: min-max by BUTTER's rule, one-hot when asked for classes.
    const auto many = table_with_target(column("y", numbers(30)));
    const PreparedDataset classes = prepare_imported("imp", many, TargetKind::kClassification);
    CHECK(classes.task == common::Task::kClassification);
    CHECK(classes.output_width == 30);
    CHECK(classes.target_transform.values.at(10) == "10");  // numeric order, not text order
    // Five numeric values: classes by BUTTER's rule, a scaled number when asked.
    const auto few = table_with_target(column("y", {"1", "2", "3", "4", "5"}));
    const PreparedDataset regression = prepare_imported("imp", few, TargetKind::kRegression);
    CHECK(regression.task == common::Task::kRegression);
    CHECK(regression.targets.at(1) == 0.25F);
}

TEST_CASE("prepare_imported: bad data is refused with the column, row and a way out",
          "[worker][datasets]") {
    const auto refused = [](const RawTable& table, std::optional<TargetKind> kind) {
        try {
            prepare_imported("imp", table, kind);
        } catch (const common::ConfigError& error) {
            return std::string(error.what());
        }
        FAIL("accepted");
        return std::string();
    };
    CHECK_THAT(refused(table_with_target(column("y", {"a", "a", "a"})), std::nullopt),
               Contains("target column 'y' has one class only"));
    CHECK_THAT(refused(table_with_target(column("y", {"2", "2"})), TargetKind::kRegression),
               Contains("same value in every row"));
    CHECK_THAT(refused(table_with_target(column("y", {"1", "x", "3"})), TargetKind::kRegression),
               Contains("target column 'y' is not numeric: data row 2 holds 'x'"));
    CHECK_THAT(refused(table_with_target(column("y", {"1", "nan", "3"})), std::nullopt),
               Contains("column 'y', data row 2: 'nan' is not a finite number"));
    RawTable infinite = table_with_target(column("y", {"a", "b", "c"}));
    infinite.features[0].cells[2] = "inf";
    CHECK_THAT(refused(infinite, std::nullopt), Contains("column 'x', data row 3: 'inf'"));
    RawTable constant = table_with_target(column("y", {"a", "b", "c"}));
    constant.features[0].cells = {"7", "7", "7"};
    CHECK_THAT(refused(constant, std::nullopt), Contains("every feature column has the same"));
    std::vector<std::string> identifiers;
    for (int row = 0; row <= static_cast<int>(kMaxImportedCategories); ++row) {
        identifiers.push_back("id" + std::to_string(row));
    }
    RawTable text = table_with_target(column("y", numbers(static_cast<int>(identifiers.size()))));
    text.features[0] = column("customer", identifiers);
    CHECK_THAT(refused(text, std::nullopt),
               Contains("column 'customer' holds text with 257 distinct values") &&
                   Contains("--drop 'customer'"));
    CHECK_THAT(refused(table_with_target(column("y", numbers(300))), TargetKind::kClassification),
               Contains("300 classes") && Contains("--task regression"));
}

TEST_CASE("check_imported_name: file-safe names that are not BUTTER's", "[worker][datasets]") {
    CHECK_NOTHROW(check_imported_name("sales_2026-q3.v2"));
    CHECK_THROWS_WITH(check_imported_name("mnist"), Contains("one of BUTTER's datasets"));
    CHECK_THROWS_WITH(check_imported_name("../etc"), Contains("cannot name a dataset"));
    CHECK_THROWS_WITH(check_imported_name(""), Contains("cannot name a dataset"));
    CHECK_THROWS_WITH(check_imported_name("a b"), Contains("cannot name a dataset"));
    CHECK_THROWS_WITH(check_imported_name(std::string(65, 'a')), Contains("1 to 64"));
}

}  // namespace joulesweep::worker
