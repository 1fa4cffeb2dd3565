#pragma once
// The prepared-dataset HDF5 file (one per dataset, `<name>.h5`), readable with h5py:
//   /inputs   float32 [rows, input_width]    chunked, shuffled, deflated
//   /targets  float32 [rows, output_width]   likewise
//   attributes of /: name, task, loss, output_activation, rows, raw_features,
//   source_sha256, prepared_by, and transforms (JSON: one object per raw column and
//   one for the target, with the rule and its fitted values).

#include <filesystem>
#include <string>
#include <string_view>

#include "joulesweep/worker/datasets/prepared_dataset.hpp"

namespace joulesweep::worker {

// Writes `<path>.partial` and renames it over `path`, so a reader never sees half a file.
void write_dataset_file(const std::filesystem::path& path,
                        const PreparedDataset& dataset,
                        const std::string& prepared_by);

// Reads a file written by write_dataset_file. Throws StorageError naming the file when it
// is missing or not such a file.
PreparedDataset read_dataset_file(const std::filesystem::path& path);

// The dataset `name` for training: `<directory>/<name>.h5`, read by read_dataset_file and
// not trusted blindly. Throws ConfigError naming the file when it holds another dataset
// (a file copied or renamed) or a value that is not finite (NaN or infinite: damaged).
PreparedDataset read_dataset(const std::filesystem::path& directory, std::string_view name);

}  // namespace joulesweep::worker
