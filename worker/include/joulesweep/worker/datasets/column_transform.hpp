#pragma once
// BUTTER's preprocessing of one column (butter-spec section 1.2), fitted on the whole
// column and applied to it. The first rule that matches wins:
//   1 distinct value or none            -> dropped
//   exactly 2 distinct values           -> one 0/1 column, 1 where the value equals row 0's
//   <= 20 distinct values, or any text  -> one-hot, categories in sorted order (numerically
//                                          for numeric columns)
//   otherwise                           -> min-max scaled to [0, 1]
// MNIST's pixels follow a rule of their own: value / 255, constant columns kept.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "joulesweep/common/name_table.hpp"
#include "joulesweep/worker/datasets/raw_table.hpp"

namespace joulesweep::worker {

enum class ColumnRule { kDrop, kBinary, kOneHot, kMinMax, kScale };

// As written in a prepared file's column rules (docs/datasets.md).
inline constexpr common::NameTable<ColumnRule, 5> kColumnRuleNames{
    "column rule",
    {{{ColumnRule::kDrop, "drop"},
      {ColumnRule::kBinary, "binary"},
      {ColumnRule::kOneHot, "one_hot"},
      {ColumnRule::kMinMax, "min_max"},
      {ColumnRule::kScale, "scale"}}}};

std::string_view to_text(ColumnRule rule) noexcept;  // kColumnRuleNames

// Columns with at most this many distinct values are one-hot encoded.
constexpr std::size_t kMaxOneHotCategories = 20;

struct ColumnTransform {
    std::string column;
    ColumnRule rule = ColumnRule::kDrop;
    bool numeric = true;              // every cell parsed as a number
    std::vector<std::string> values;  // binary: {the value that becomes 1}; one-hot: categories
    double minimum = 0;               // min-max
    double maximum = 0;               // min-max; scale: the divisor

    // Output columns this transform produces.
    int width() const noexcept;
};

ColumnTransform fit_column(const RawColumn& column);

// An imported target (docs/datasets.md, "Your own data"), whatever its number of values:
// every distinct value a class (2 -> binary, more -> one-hot; numeric classes in numeric
// order), or a number min-max scaled to [0, 1]. fit_regression_target throws ConfigError
// naming the row of the first cell that is not a number.
ColumnTransform fit_class_target(const RawColumn& column);
ColumnTransform fit_regression_target(const RawColumn& column);

// Rows count from 1. The first cell that reads as a number but is not finite ("nan",
// "inf", 1e999), as {row, cell}, or nullopt: imported data must hold none.
std::optional<std::pair<std::size_t, std::string>> first_non_finite(const RawColumn& column);

// Writes the transformed column into `out` (row-major, `stride` floats per row) starting
// at column `offset`. REQUIRES: the column is the one the transform was fitted on.
void apply_column(const ColumnTransform& transform,
                  const RawColumn& column,
                  float* out,
                  std::size_t stride,
                  std::size_t offset);

}  // namespace joulesweep::worker
