#include "joulesweep/worker/datasets/imported_dataset.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

constexpr std::size_t kMaxNameLength = 64;

void require_finite(const RawColumn& column) {
    if (const auto bad = first_non_finite(column)) {
        throw common::ConfigError(fmt::format(
            "column '{}', data row {}: '{}' is not a finite number (fill or remove missing "
            "and infinite values before importing)",
            column.name,
            bad->first,
            bad->second));
    }
}

ColumnTransform fit_feature(const RawColumn& column) {
    require_finite(column);
    ColumnTransform transform = fit_column(column);
    if (!transform.numeric && transform.values.size() > kMaxImportedCategories) {
        throw common::ConfigError(fmt::format(
            "column '{}' holds text with {} distinct values; one-hot encoding would add {} "
            "inputs (at most {} are accepted): drop it with --drop '{}' or make it numeric",
            column.name,
            transform.values.size(),
            transform.values.size(),
            kMaxImportedCategories,
            column.name));
    }
    return transform;
}

ColumnTransform fit_target(const RawColumn& target, TargetKind kind) {
    if (kind == TargetKind::kRegression) {
        ColumnTransform transform = fit_regression_target(target);
        if (transform.rule == ColumnRule::kDrop) {
            throw common::ConfigError(
                fmt::format("target column '{}' has the same value in every row: nothing to learn",
                            target.name));
        }
        return transform;
    }
    ColumnTransform transform = fit_class_target(target);
    if (transform.rule == ColumnRule::kDrop) {
        throw common::ConfigError(fmt::format(
            "target column '{}' has one class only: a classifier needs at least two", target.name));
    }
    if (transform.values.size() > kMaxImportedCategories) {
        throw common::ConfigError(
            fmt::format("target column '{}' has {} classes (at most {} are accepted); if it is a "
                        "quantity, use --task regression",
                        target.name,
                        transform.values.size(),
                        kMaxImportedCategories));
    }
    return transform;
}

}  // namespace

TargetKind infer_target_kind(const RawColumn& target) {
    const ColumnTransform transform = fit_column(target);
    return transform.rule == ColumnRule::kMinMax ? TargetKind::kRegression
                                                 : TargetKind::kClassification;
}

void check_imported_name(std::string_view name) {
    const auto allowed = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
    };
    if (name.empty() || name.size() > kMaxNameLength ||
        std::isalnum(static_cast<unsigned char>(name.front())) == 0 ||
        !std::ranges::all_of(name, allowed)) {
        throw common::ConfigError(
            fmt::format("'{}' cannot name a dataset: use 1 to {} letters, digits, '_', '-' or '.', "
                        "starting with a letter or digit (choose one with --name)",
                        name,
                        kMaxNameLength));
    }
    for (const common::DatasetInfo& butter : common::dataset_catalog()) {
        if (butter.name == name) {
            throw common::ConfigError(fmt::format(
                "'{}' is one of BUTTER's datasets; give the import another --name", name));
        }
    }
}

PreparedDataset prepare_imported(std::string_view name,
                                 const RawTable& table,
                                 std::optional<TargetKind> kind) {
    check_imported_name(name);
    std::vector<ColumnTransform> inputs;
    int width = 0;
    for (const RawColumn& column : table.features) {
        inputs.push_back(fit_feature(column));
        width += inputs.back().width();
    }
    if (width == 0) {
        throw common::ConfigError(
            "every feature column has the same value in every row: nothing to learn from");
    }
    require_finite(table.target);
    const TargetKind target_kind = kind.value_or(infer_target_kind(table.target));
    ColumnTransform target = fit_target(table.target, target_kind);
    const common::Task task = target_kind == TargetKind::kRegression ? common::Task::kRegression
                              : target.rule == ColumnRule::kBinary   ? common::Task::kBinary
                                                                   : common::Task::kClassification;
    return apply_transforms(name, task, table, std::move(inputs), std::move(target));
}

common::DatasetInfo catalog_entry(const PreparedDataset& dataset) {
    return common::DatasetInfo{dataset.name,
                               dataset.rows,
                               dataset.raw_features,
                               dataset.input_width,
                               dataset.output_width,
                               dataset.task,
                               false};
}

}  // namespace joulesweep::worker
