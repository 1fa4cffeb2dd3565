#include "joulesweep/worker/datasets/column_transform.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Every cell as a number, or nullopt if any cell is not one.
std::optional<std::vector<double>> parse_numbers(const RawColumn& column) {
    std::vector<double> values;
    values.reserve(column.cells.size());
    for (const std::string& cell : column.cells) {
        const auto value = parse_number(cell);
        if (!value) {
            return std::nullopt;
        }
        values.push_back(*value);
    }
    return values;
}

std::string number_text(double value) {
    return fmt::format("{}", value);  // shortest form that reads back to the same double
}

template <typename Value>
std::vector<Value> sorted_distinct(std::vector<Value> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

}  // namespace

std::string_view to_text(ColumnRule rule) noexcept {
    return kColumnRuleNames.name(rule);
}

int ColumnTransform::width() const noexcept {
    switch (rule) {
        case ColumnRule::kDrop:
            return 0;
        case ColumnRule::kOneHot:
            return static_cast<int>(values.size());
        case ColumnRule::kBinary:
        case ColumnRule::kMinMax:
        case ColumnRule::kScale:
            return 1;
    }
    return 0;
}

ColumnTransform fit_column(const RawColumn& column) {
    ColumnTransform transform;
    transform.column = column.name;
    const auto numbers = parse_numbers(column);
    transform.numeric = numbers.has_value();
    std::size_t distinct = 0;
    if (numbers) {
        const auto categories = sorted_distinct(*numbers);
        distinct = categories.size();
        if (distinct > 2 && distinct <= kMaxOneHotCategories) {
            std::ranges::transform(categories, std::back_inserter(transform.values), number_text);
        }
        if (distinct > kMaxOneHotCategories) {
            transform.minimum = categories.front();
            transform.maximum = categories.back();
        }
    } else {
        transform.values = sorted_distinct(column.cells);
        distinct = transform.values.size();
    }
    if (distinct <= 1) {
        transform.rule = ColumnRule::kDrop;
        transform.values.clear();
    } else if (distinct == 2) {
        transform.rule = ColumnRule::kBinary;
        transform.values = {numbers ? number_text(numbers->front()) : column.cells.front()};
    } else if (distinct <= kMaxOneHotCategories || !numbers) {
        transform.rule = ColumnRule::kOneHot;
    } else {
        transform.rule = ColumnRule::kMinMax;
    }
    return transform;
}

ColumnTransform fit_class_target(const RawColumn& column) {
    ColumnTransform transform = fit_column(column);
    if (transform.rule == ColumnRule::kMinMax) {  // a numeric column with many values
        transform.rule = ColumnRule::kOneHot;
        transform.minimum = transform.maximum = 0;
        std::ranges::transform(sorted_distinct(*parse_numbers(column)),
                               std::back_inserter(transform.values),
                               number_text);
    }
    return transform;
}

ColumnTransform fit_regression_target(const RawColumn& column) {
    ColumnTransform transform;
    transform.column = column.name;
    for (std::size_t row = 0; row < column.cells.size(); ++row) {
        if (!parse_number(column.cells[row])) {
            throw common::ConfigError(fmt::format(
                "target column '{}' is not numeric: data row {} holds '{}' (a regression "
                "target must be a number in every row; for class labels use --task "
                "classification)",
                column.name,
                row + 1,
                column.cells[row]));
        }
    }
    const auto values = sorted_distinct(*parse_numbers(column));
    if (values.size() > 1) {
        transform.rule = ColumnRule::kMinMax;
        transform.minimum = values.front();
        transform.maximum = values.back();
    }
    return transform;
}

std::optional<std::pair<std::size_t, std::string>> first_non_finite(const RawColumn& column) {
    for (std::size_t row = 0; row < column.cells.size(); ++row) {
        const auto value = parse_number(column.cells[row]);
        if (value && !std::isfinite(*value)) {
            return std::pair{row + 1, column.cells[row]};
        }
    }
    return std::nullopt;
}

void apply_column(const ColumnTransform& transform,
                  const RawColumn& column,
                  float* out,
                  std::size_t stride,
                  std::size_t offset) {
    const std::size_t rows = column.cells.size();
    const auto numbers = transform.numeric ? parse_numbers(column) : std::nullopt;
    JOULESWEEP_CHECK(numbers.has_value() == transform.numeric, "column changed since fitting");
    // Categories (and the binary "one") as numbers once, for numeric columns.
    std::vector<double> numeric_values;
    if (numbers) {
        for (const std::string& value : transform.values) {
            numeric_values.push_back(parse_number(value).value_or(0.0));
        }
    }
    const auto category_of = [&](std::size_t row) -> std::size_t {
        const auto position =
            numbers
                ? static_cast<std::size_t>(std::ranges::find(numeric_values, (*numbers)[row]) -
                                           numeric_values.begin())
                : static_cast<std::size_t>(std::ranges::find(transform.values, column.cells[row]) -
                                           transform.values.begin());
        JOULESWEEP_CHECK(position < transform.values.size(), "value not seen when fitting");
        return position;
    };
    for (std::size_t row = 0; row < rows; ++row) {
        float* cells = out + (row * stride) + offset;
        switch (transform.rule) {
            case ColumnRule::kDrop:
                break;
            case ColumnRule::kBinary: {
                const bool one = numbers ? (*numbers)[row] == numeric_values.front()
                                         : column.cells[row] == transform.values.front();
                cells[0] = one ? 1.0F : 0.0F;
                break;
            }
            case ColumnRule::kOneHot:
                std::fill(cells, cells + transform.values.size(), 0.0F);
                cells[category_of(row)] = 1.0F;
                break;
            case ColumnRule::kMinMax:
                cells[0] = static_cast<float>(((*numbers)[row] - transform.minimum) /
                                              (transform.maximum - transform.minimum));
                break;
            case ColumnRule::kScale:
                cells[0] = static_cast<float>((*numbers)[row] / transform.maximum);
                break;
        }
    }
}

}  // namespace joulesweep::worker
