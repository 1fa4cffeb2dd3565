#include "joulesweep/worker/datasets/column_transform.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace joulesweep::worker {
namespace {

RawColumn column_of(std::vector<std::string> cells) {
    return RawColumn{"c", std::move(cells)};
}

// The transformed column as one row of `width` floats per cell.
std::vector<float> applied(const ColumnTransform& transform, const RawColumn& column) {
    const auto width = static_cast<std::size_t>(transform.width());
    std::vector<float> out(column.cells.size() * width, -1.0F);
    apply_column(transform, column, out.data(), width, 0);
    return out;
}

}  // namespace

TEST_CASE("fit_column: a constant column is dropped", "[worker][datasets]") {
    const auto transform = fit_column(column_of({"3", "3.0", "3"}));
    CHECK(transform.rule == ColumnRule::kDrop);
    CHECK(transform.width() == 0);
}

TEST_CASE("fit_column: two values become one 0/1 column, row 0's value is 1",
          "[worker][datasets]") {
    const auto column = column_of({"-1", "1", "1", "-1.0"});
    const auto transform = fit_column(column);
    CHECK(transform.rule == ColumnRule::kBinary);
    CHECK(transform.values == std::vector<std::string>{"-1"});
    CHECK(applied(transform, column) == std::vector<float>{1, 0, 0, 1});
}

TEST_CASE("fit_column: up to 20 numbers are one-hot, categories sorted numerically",
          "[worker][datasets]") {
    const auto column = column_of({"10", "9", "2.5", "9"});
    const auto transform = fit_column(column);
    CHECK(transform.rule == ColumnRule::kOneHot);
    CHECK(transform.values == std::vector<std::string>{"2.5", "9", "10"});
    CHECK(applied(transform, column) == std::vector<float>{0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0});
}

TEST_CASE("fit_column: text is one-hot whatever its count, sorted as text", "[worker][datasets]") {
    std::vector<std::string> cells;
    cells.reserve(25);
    for (int index = 0; index < 25; ++index) {
        cells.push_back("v" + std::to_string(index));
    }
    const auto transform = fit_column(column_of(cells));
    CHECK(transform.rule == ColumnRule::kOneHot);
    CHECK_FALSE(transform.numeric);
    CHECK(transform.width() == 25);
    CHECK(transform.values.front() == "v0");
    CHECK(transform.values[1] == "v1");
    CHECK(transform.values[2] == "v10");
}

TEST_CASE("fit_column: more than 20 numbers are min-max scaled to [0, 1]", "[worker][datasets]") {
    std::vector<std::string> cells;
    cells.reserve(21);
    for (int index = 0; index <= 20; ++index) {
        cells.push_back(std::to_string(10 + (2 * index)));
    }
    const auto column = column_of(cells);
    const auto transform = fit_column(column);
    CHECK(transform.rule == ColumnRule::kMinMax);
    CHECK(transform.minimum == 10);
    CHECK(transform.maximum == 50);
    const auto out = applied(transform, column);
    CHECK(out.front() == 0.0F);
    CHECK(out[10] == Approx(0.5F));
    CHECK(out.back() == 1.0F);
}

TEST_CASE("fit_column: exactly 20 distinct values are still one-hot", "[worker][datasets]") {
    std::vector<std::string> cells;
    cells.reserve(20);
    for (int index = 0; index < 20; ++index) {
        cells.push_back(std::to_string(index));
    }
    CHECK(fit_column(column_of(cells)).rule == ColumnRule::kOneHot);
}

}  // namespace joulesweep::worker
