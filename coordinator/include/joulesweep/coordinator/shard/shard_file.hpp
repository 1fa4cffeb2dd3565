#pragma once
// The coordinator's HDF5 shard: one file per job with every run it completed, laid out
// as columns (docs/hdf5.md) so that a million runs stay one file of a few datasets:
//   /runs/<column>     one row per run: ids, seed, attempt, the configuration, host,
//                      parameter count, diverged, and offsets into the two groups below
//   /epochs/<series>   every run's per-epoch values back to back: epoch_wall_s and the
//                      20 statistics (float32)
//   /layers/width      every run's layer widths back to back (int64)
//   attributes of /:   format, format_version, job, coordinator_id, host,
//                      slurm_job_id, software
// The file is written in HDF5's single-writer/multiple-reader mode and flushed after
// every batch; /runs/run_id is extended last, so its length is the number of complete
// runs even in a file cut off by a crash (other columns may then be longer; ignore the
// excess). Readers open it read-only in SWMR mode (h5py: swmr=True), which works on a
// live, a crashed and a cleanly closed shard alike.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/hdf5_handle.hpp"
#include "joulesweep/common/run_result.hpp"

namespace joulesweep::coordinator {

struct ShardIdentity {
    std::string job;  // the Slurm job id, or host-pid
    std::int64_t coordinator_id = 0;
    std::string host;
    std::optional<std::string> slurm_job_id;
    std::string software_json;
};

struct ShardRun {
    std::int64_t run_id = 0;
    std::int64_t experiment_id = 0;
    int repetition = 0;
    int attempt = 0;
    common::ExperimentConfig config;
    // seed, host, widths, parameter_count, diverged and the per-epoch series; a reader
    // fills slurm_job_id and software_json from the file's attributes.
    common::RunResult result;
};

struct ShardContents {
    ShardIdentity identity;
    std::vector<ShardRun> runs;
};

// <directory>/<job>.h5, or <job>.1.h5, <job>.2.h5, ... when that exists (a requeued
// Slurm job keeps its id): a shard is never appended to by a second coordinator.
std::filesystem::path choose_shard_path(const std::filesystem::path& directory,
                                        const std::string& job);

class ShardWriter {
public:
    // Creates `path`; throws StorageError if it exists or cannot be created.
    ShardWriter(const std::filesystem::path& path, const ShardIdentity& identity);
    ~ShardWriter();

    ShardWriter(const ShardWriter&) = delete;
    ShardWriter& operator=(const ShardWriter&) = delete;
    ShardWriter(ShardWriter&&) = delete;
    ShardWriter& operator=(ShardWriter&&) = delete;

    // Appends the runs and flushes: once this returns, they survive a crash.
    void append(const std::vector<ShardRun>& runs);

    std::int64_t run_count() const noexcept { return run_count_; }

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    struct Columns;

    std::filesystem::path path_;
    common::Hdf5Handle file_;  // closed after the columns (declared before them)
    std::unique_ptr<Columns> columns_;
    std::int64_t run_count_ = 0;
    std::int64_t epoch_count_ = 0;
    std::int64_t layer_count_ = 0;
    std::int64_t energy_count_ = 0;
};

// Reads every complete run. Throws StorageError naming the file when it is not a shard.
ShardContents read_shard(const std::filesystem::path& path);

}  // namespace joulesweep::coordinator
