// read_shard: the complete runs of a shard, live, crashed or closed (see shard_file.hpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_attributes.hpp"
#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/hdf5_handle.hpp"
#include "joulesweep/coordinator/shard/shard_file.hpp"

#include "shard_layout.hpp"

namespace joulesweep::coordinator {
namespace {

using common::hdf5_check;
using common::Hdf5Handle;

std::size_t column_length(hid_t dataset, std::string_view path) {
    const Hdf5Handle space(H5Dget_space(dataset), H5Sclose, path);
    std::array<hsize_t, 1> dims{0};
    hdf5_check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), path);
    return static_cast<std::size_t>(dims[0]);
}

// The first `count` elements of the column at `path` (which must have that many).
std::vector<std::byte> read_column(hid_t file,
                                   std::string_view path,
                                   hid_t memory_type,
                                   std::size_t element_size,
                                   std::size_t count) {
    const std::string name(path);
    const Hdf5Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, name);
    const std::size_t length = column_length(dataset.get(), path);
    if (length < count) {
        throw common::StorageError(
            fmt::format("{} has {} elements where {} are needed", name, length, count));
    }
    std::vector<std::byte> bytes(element_size * count);
    if (count == 0) {
        return bytes;
    }
    const std::array<hsize_t, 1> start{0};
    const std::array<hsize_t, 1> extent{count};
    const Hdf5Handle file_space(H5Dget_space(dataset.get()), H5Sclose, name);
    hdf5_check(H5Sselect_hyperslab(
                   file_space.get(), H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr),
               name);
    const Hdf5Handle memory_space(H5Screate_simple(1, extent.data(), nullptr), H5Sclose, name);
    hdf5_check(H5Dread(dataset.get(),
                       memory_type,
                       memory_space.get(),
                       file_space.get(),
                       H5P_DEFAULT,
                       bytes.data()),
               "read " + name);
    return bytes;
}

template <typename Value>
std::vector<Value> read_numbers(hid_t file,
                                std::string_view path,
                                shard::ColumnKind kind,
                                std::size_t count) {
    const Hdf5Handle type = shard::memory_type(kind, 0);
    const std::vector<std::byte> bytes = read_column(file, path, type.get(), sizeof(Value), count);
    std::vector<Value> values(count);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

// A run's energy series from the file's flat columns: the shares are per epoch, the
// joules domain after domain (see shard_layout.hpp).
void restore_energy(common::RunEnergy& energy,
                    const shard::RunRow& row,
                    const std::vector<float>& shares,
                    const std::vector<float>& rest_of_node,
                    const std::vector<float>& gross,
                    const std::vector<float>& net) {
    const auto epochs = static_cast<std::size_t>(row.epoch_count);
    if (static_cast<std::size_t>(row.energy_count) != energy.domains.size() * epochs) {
        throw common::StorageError(
            fmt::format("run {}: {} energy values for {} domains x {} epochs",
                        row.run.run_id,
                        row.energy_count,
                        energy.domains.size(),
                        epochs));
    }
    const auto first_epoch = shares.begin() + row.epoch_offset;
    energy.share.assign(first_epoch, first_epoch + row.epoch_count);
    if (!energy.wall_source.empty()) {
        const auto first_rest = rest_of_node.begin() + row.epoch_offset;
        energy.rest_of_node_j.assign(first_rest, first_rest + row.epoch_count);
    }
    for (std::size_t domain = 0; domain < energy.domains.size(); ++domain) {
        const auto first = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(row.energy_offset) +
                                                       (domain * epochs));
        const auto last = first + static_cast<std::ptrdiff_t>(epochs);
        energy.gross_j.emplace_back(gross.begin() + first, gross.begin() + last);
        energy.net_j.emplace_back(net.begin() + first, net.begin() + last);
    }
}

ShardContents read_open_shard(hid_t file, const std::filesystem::path& path) {
    if (common::read_text_attribute(file, "format") != shard::kFormat) {
        throw common::StorageError(fmt::format("{} is not a joulesweep shard", path.string()));
    }
    const std::int64_t version = common::read_integer_attribute(file, "format_version");
    if (version != shard::kFormatVersion) {
        throw common::StorageError(fmt::format("{}: shard format version {} (this build reads {})",
                                               path.string(),
                                               version,
                                               shard::kFormatVersion));
    }
    ShardContents contents;
    contents.identity.job = common::read_text_attribute(file, "job");
    contents.identity.coordinator_id = common::read_integer_attribute(file, "coordinator_id");
    contents.identity.host = common::read_text_attribute(file, "host");
    const std::string slurm_job_id = common::read_text_attribute(file, "slurm_job_id");
    if (!slurm_job_id.empty()) {
        contents.identity.slurm_job_id = slurm_job_id;
    }
    contents.identity.software_json = common::read_text_attribute(file, "software");

    std::size_t count = 0;
    {
        const Hdf5Handle run_ids(
            H5Dopen2(file, "/runs/run_id", H5P_DEFAULT), H5Dclose, "/runs/run_id");
        count = column_length(run_ids.get(), "/runs/run_id");
    }
    std::vector<shard::RunRow> rows(count);
    for (const shard::ColumnSpec& spec : shard::run_columns()) {
        const Hdf5Handle type = shard::memory_type(spec.kind, spec.text_size);
        const std::size_t size = shard::element_size(spec);
        const std::vector<std::byte> bytes = read_column(file, spec.path, type.get(), size, count);
        for (std::size_t row = 0; row < count; ++row) {
            spec.load(rows[row], bytes.data() + row * size);
        }
    }
    std::size_t epochs = 0;
    std::size_t layers = 0;
    std::size_t energy_values = 0;
    for (const shard::RunRow& row : rows) {
        epochs = std::max(epochs, static_cast<std::size_t>(row.epoch_offset + row.epoch_count));
        layers = std::max(layers, static_cast<std::size_t>(row.layer_offset + row.layer_count));
        energy_values =
            std::max(energy_values, static_cast<std::size_t>(row.energy_offset + row.energy_count));
    }
    const auto wall =
        read_numbers<float>(file, shard::kEpochWallPath, shard::ColumnKind::kFloat32, epochs);
    std::vector<std::vector<float>> statistics;
    statistics.reserve(common::kStatisticCount);
    for (const auto name : common::kStatisticNames) {
        statistics.push_back(read_numbers<float>(
            file, shard::epoch_series_path(name), shard::ColumnKind::kFloat32, epochs));
    }
    const auto shares = read_numbers<float>(file,
                                            shard::epoch_series_path(shard::kEnergyShareSeries),
                                            shard::ColumnKind::kFloat32,
                                            epochs);
    const auto rest_of_node =
        read_numbers<float>(file,
                            shard::epoch_series_path(shard::kRestOfNodeSeries),
                            shard::ColumnKind::kFloat32,
                            epochs);
    const auto widths =
        read_numbers<std::int64_t>(file, shard::kLayerWidthPath, shard::ColumnKind::kInt64, layers);
    const auto gross = read_numbers<float>(
        file, shard::kEnergyGrossPath, shard::ColumnKind::kFloat32, energy_values);
    const auto net = read_numbers<float>(
        file, shard::kEnergyNetPath, shard::ColumnKind::kFloat32, energy_values);
    for (shard::RunRow& row : rows) {
        common::RunResult& result = row.run.result;
        const auto first = static_cast<std::ptrdiff_t>(row.epoch_offset);
        const auto last = first + row.epoch_count;
        result.epoch_wall_s.assign(wall.begin() + first, wall.begin() + last);
        for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
            auto& series = result.statistics.at(index);
            series.assign(statistics[index].begin() + first, statistics[index].begin() + last);
            // A run without validation rows was written as NaN (see the writer).
            if (common::may_be_empty(index) &&
                std::all_of(series.begin(), series.end(), [](float v) { return std::isnan(v); })) {
                series.clear();
            }
        }
        if (result.energy) {
            restore_energy(*result.energy, row, shares, rest_of_node, gross, net);
        }
        const auto layer_first = static_cast<std::ptrdiff_t>(row.layer_offset);
        result.widths.assign(widths.begin() + layer_first,
                             widths.begin() + layer_first + row.layer_count);
        result.slurm_job_id = contents.identity.slurm_job_id;
        result.software_json = contents.identity.software_json;
        contents.runs.push_back(std::move(row.run));
    }
    return contents;
}

}  // namespace

ShardContents read_shard(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) {
        throw common::StorageError(fmt::format("shard {} does not exist", path.string()));
    }
    try {
        const Hdf5Handle file(
            H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT),
            H5Fclose,
            "open as a shard");
        return read_open_shard(file.get(), path);
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path.string(), error.what()));
    }
}

}  // namespace joulesweep::coordinator
