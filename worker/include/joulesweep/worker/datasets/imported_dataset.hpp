#pragma once
// A user's table made into a dataset that sweeps and searches accept (docs/datasets.md,
// "Your own data"): BUTTER's column rules for the features, the target encoded for the
// task, and the facts the enqueuer sizes networks from.

#include <optional>
#include <string>
#include <string_view>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/worker/datasets/prepared_dataset.hpp"
#include "joulesweep/worker/datasets/raw_table.hpp"

namespace joulesweep::worker {

// What the user asks the target to be; without a choice, a numeric target with more than
// kMaxOneHotCategories values is a regression and anything else classes.
enum class TargetKind { kClassification, kRegression };

inline constexpr common::NameTable<TargetKind, 2> kTargetKindNames{
    "task",
    {{{TargetKind::kClassification, "classification"}, {TargetKind::kRegression, "regression"}}}};

TargetKind infer_target_kind(const RawColumn& target);

// A text feature with more distinct values than this is refused rather than one-hot
// encoded (an identifier or free text would add one input per row).
constexpr std::size_t kMaxImportedCategories = 256;

// Throws ConfigError unless `name` can name an imported dataset: 1 to 64 letters, digits,
// '_', '-' or '.', starting with a letter or digit, and not one of BUTTER's 13.
void check_imported_name(std::string_view name);

// Prepares the table: every feature by BUTTER's rules, the target as `kind` asks (two
// classes -> the binary task). Throws ConfigError naming the column and row when a cell is
// not finite, a text feature has too many values, every feature is constant, the target
// has one class or one value, or a regression target is not numeric.
PreparedDataset prepare_imported(std::string_view name,
                                 const RawTable& table,
                                 std::optional<TargetKind> kind);

// The catalog entry an imported dataset stands for.
common::DatasetInfo catalog_entry(const PreparedDataset& dataset);

}  // namespace joulesweep::worker
