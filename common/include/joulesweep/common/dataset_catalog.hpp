#pragma once
// The 13 BUTTER datasets and the facts the enqueuer needs before any data is loaded:
// rows, raw features, the network's input and output widths after BUTTER's column
// preprocessing, and the task as BUTTER actually ran it (butter-spec section 1.2).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/name_table.hpp"

namespace joulesweep::common {

// How targets are encoded and trained. Stored as text; append only.
enum class Task : std::int16_t {
    kRegression = 1,      // sigmoid outputs, mean squared error
    kBinary = 2,          // one 0/1 output, sigmoid, binary cross-entropy
    kClassification = 3,  // one-hot outputs, softmax, categorical cross-entropy
};

inline constexpr NameTable<Task, 3> kTaskNames{"task",
                                               {{{Task::kRegression, "regression"},
                                                 {Task::kBinary, "binary"},
                                                 {Task::kClassification, "classification"}}}};

std::string_view to_text(Task task) noexcept;  // kTaskNames

struct DatasetInfo {
    std::string_view name;
    std::int64_t rows = 0;
    int raw_features = 0;
    int input_width = 0;   // network inputs after preprocessing
    int output_width = 0;  // network outputs after preprocessing
    Task task = Task::kRegression;
    bool core = false;  // one of BUTTER's 7 "core" datasets
};

// The 13 datasets, in alphabetical order. Widths follow BUTTER's rules (drop constant
// columns; 2 values -> one 0/1 column; <= 20 values or non-numeric -> one-hot; otherwise
// min-max) applied to the files in data/; MNIST keeps all 784 pixel columns.
const std::array<DatasetInfo, 13>& dataset_catalog() noexcept;

// The dataset with that name, BUTTER's or imported, or nullopt.
std::optional<DatasetInfo> find_dataset(std::string_view name) noexcept;

// "201_pol, 294_satellite_image, ...": every name, for errors about an unknown one.
std::string known_dataset_names();

// Users' own datasets (`joulesweep datasets import`), known to this process once their
// manifests are read (worker::load_imported_datasets). The name is copied. Registering the
// same facts twice is a no-op; throws ConfigError for one of BUTTER's names or a name
// already registered with other facts.
void register_dataset(const DatasetInfo& info);

// The registered imported datasets, in the order they were registered.
std::vector<DatasetInfo> imported_datasets();

}  // namespace joulesweep::common
