#pragma once
// Names, types and sizes of the shard's columns, shared by its writer and reader (see
// shard_file.hpp and docs/hdf5.md). Part of a stored format: append only.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/hdf5_handle.hpp"
#include "joulesweep/coordinator/shard/shard_file.hpp"

namespace joulesweep::coordinator::shard {

constexpr std::string_view kFormat = "joulesweep-shard";
constexpr int kFormatVersion = 5;  // 2: energy; 3: the rest of the node; 4: validation;
                                   // 5: shuffle, and no experiment backend

enum class ColumnKind { kInt64, kInt32, kUint8, kFloat64, kFloat32, kText };

// One row of /runs as the writer fills it and the reader gets it back.
struct RunRow {
    ShardRun run;
    std::int64_t epoch_offset = 0;
    std::int32_t epoch_count = 0;
    std::int64_t layer_offset = 0;
    std::int32_t layer_count = 0;
    std::int64_t energy_offset = 0;  // into /energy/*: domains x epochs values, domain-major
    std::int32_t energy_count = 0;
};

struct ColumnSpec {
    std::string_view path;
    ColumnKind kind;
    std::size_t text_size;  // bytes of a fixed-length, NUL-padded text; 0 for numbers
    void (*store)(const RunRow& row, std::byte* element);
    void (*load)(RunRow& row, const std::byte* element);
};

// Bytes one element of the column takes in memory.
std::size_t element_size(const ColumnSpec& column);

// The /runs columns. run_id comes last: it is the commit marker, extended after
// everything else of a batch is written and flushed.
const std::vector<ColumnSpec>& run_columns();

constexpr std::string_view kEpochWallPath = "/epochs/epoch_wall_s";
constexpr std::string_view kLayerWidthPath = "/layers/width";
constexpr std::string_view kEnergyShareSeries = "energy_share";  // /epochs/, NaN without energy
// /epochs/: the wall meter's joules minus RAPL's, NaN without a wall meter or where it
// did not reach.
constexpr std::string_view kRestOfNodeSeries = "energy_rest_of_node_j";
constexpr std::string_view kEnergyGrossPath = "/energy/gross_j";
constexpr std::string_view kEnergyNetPath = "/energy/net_j";
constexpr std::size_t kProvenanceSize = 2048;

// "/epochs/<statistic>".
std::string epoch_series_path(std::string_view statistic);

// The HDF5 type of a column in memory (native) or in the file (little-endian).
common::Hdf5Handle memory_type(ColumnKind kind, std::size_t text_size);
common::Hdf5Handle file_type(ColumnKind kind, std::size_t text_size);

}  // namespace joulesweep::coordinator::shard
