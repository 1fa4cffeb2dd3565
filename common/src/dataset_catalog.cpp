#include "joulesweep/common/dataset_catalog.hpp"

#include <array>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {
namespace {

// Widths computed from the PMLB files with BUTTER's preprocessing rules; 201_pol is
// classification and 294_satellite_image regression on a one-hot target, as BUTTER's
// 2022 code ran them (its documentation says otherwise; see butter-spec section 1.2).
constexpr std::array<DatasetInfo, 13> kCatalog{{
    {"201_pol", 15000, 48, 26, 11, Task::kClassification, true},
    {"294_satellite_image", 6435, 36, 36, 6, Task::kRegression, false},
    {"505_tecator", 240, 124, 124, 1, Task::kRegression, false},
    {"529_pollen", 3848, 4, 4, 1, Task::kRegression, true},
    {"537_houses", 20640, 8, 8, 1, Task::kRegression, true},
    {"adult", 48842, 14, 81, 1, Task::kBinary, false},
    {"banana", 5300, 2, 2, 1, Task::kRegression, false},
    {"connect_4", 67557, 42, 126, 3, Task::kClassification, true},
    {"mnist", 70000, 784, 784, 10, Task::kClassification, true},
    {"nursery", 12958, 8, 26, 4, Task::kClassification, false},
    {"sleep", 105908, 13, 141, 5, Task::kClassification, true},
    {"splice", 3188, 60, 287, 3, Task::kClassification, false},
    {"wine_quality_white", 4898, 11, 11, 7, Task::kClassification, true},
}};

// Imported datasets; a deque so that the names the entries view never move.
struct Imported {
    std::mutex mutex;
    std::deque<std::string> names;
    std::vector<DatasetInfo> entries;
};

Imported& imported() {
    static Imported registry;
    return registry;
}

bool same_facts(const DatasetInfo& a, const DatasetInfo& b) {
    return a.rows == b.rows && a.raw_features == b.raw_features && a.input_width == b.input_width &&
           a.output_width == b.output_width && a.task == b.task;
}

}  // namespace

std::string_view to_text(Task task) noexcept {
    return kTaskNames.name(task);
}

const std::array<DatasetInfo, 13>& dataset_catalog() noexcept {
    return kCatalog;
}

std::optional<DatasetInfo> find_dataset(std::string_view name) noexcept {
    for (const DatasetInfo& dataset : kCatalog) {
        if (dataset.name == name) {
            return dataset;
        }
    }
    Imported& registry = imported();
    const std::lock_guard lock(registry.mutex);
    for (const DatasetInfo& dataset : registry.entries) {
        if (dataset.name == name) {
            return dataset;
        }
    }
    return std::nullopt;
}

std::string known_dataset_names() {
    std::string names;
    for (const DatasetInfo& dataset : kCatalog) {
        names += names.empty() ? "" : ", ";
        names += dataset.name;
    }
    for (const DatasetInfo& dataset : imported_datasets()) {
        names += fmt::format(", {} (imported)", dataset.name);
    }
    return names;
}

void register_dataset(const DatasetInfo& info) {
    for (const DatasetInfo& butter : kCatalog) {
        if (butter.name == info.name) {
            throw ConfigError(fmt::format(
                "an imported dataset cannot be named '{}': that is one of BUTTER's", info.name));
        }
    }
    Imported& registry = imported();
    const std::lock_guard lock(registry.mutex);
    for (const DatasetInfo& known : registry.entries) {
        if (known.name == info.name) {
            if (same_facts(known, info)) {
                return;
            }
            throw ConfigError(fmt::format(
                "two imported datasets are named '{}' with different rows or widths", info.name));
        }
    }
    DatasetInfo entry = info;
    entry.name = registry.names.emplace_back(info.name);
    entry.core = false;
    registry.entries.push_back(entry);
}

std::vector<DatasetInfo> imported_datasets() {
    Imported& registry = imported();
    const std::lock_guard lock(registry.mutex);
    return registry.entries;
}

}  // namespace joulesweep::common
