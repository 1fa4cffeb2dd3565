#pragma once
// A run's per-epoch history as files people open directly:
//   CSV   a header `epoch,wall_s,train_loss,...,test_kullback_leibler_divergence`, then one
//         line per epoch (floats in shortest round-trip form, nan/inf as such); with
//         energy, two more columns: energy_gross_j (joules in the epoch, summed over the
//         meter's domains) and energy_source;
//   HDF5  /epoch_wall_s and one float32 dataset per statistic (named as in the CSV), with
//         attributes config (JSON), seed, widths, parameter_count and diverged; with
//         energy, /energy_gross_j and the attribute energy_source.

#include <filesystem>
#include <string>

#include "joulesweep/common/run_result.hpp"

namespace joulesweep::worker {

// Both throw StorageError naming the file when it cannot be written.
void write_history_csv(const std::filesystem::path& path, const common::RunResult& result);
void write_history_hdf5(const std::filesystem::path& path,
                        const common::RunResult& result,
                        const std::string& config_json);

}  // namespace joulesweep::worker
