// ShardWriter and choose_shard_path: see shard_file.hpp for the layout and its crash rule.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
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

// Every append rewrites the last, partly filled chunk of each column, decompressing and
// compressing it whole; with 1024-run chunks of 2 KB provenance texts that was 70% of the
// coordinator's CPU (perf; docs/benchmarks.md, "Waiting"). Small chunks keep it small.
constexpr hsize_t kRunChunk = 64;
constexpr hsize_t kSeriesChunk = 4096;
constexpr unsigned kDeflateLevel = 4;

// A 1-D dataset that only grows: chunked, shuffled and deflated, as SWMR requires of
// anything extended after the file went into SWMR mode.
Hdf5Handle create_column(hid_t file,
                         std::string_view path,
                         shard::ColumnKind kind,
                         std::size_t text_size,
                         hsize_t chunk) {
    const std::string name(path);
    const std::array<hsize_t, 1> empty{0};
    const std::array<hsize_t, 1> unlimited{H5S_UNLIMITED};
    const Hdf5Handle space(
        H5Screate_simple(1, empty.data(), unlimited.data()), H5Sclose, "shard dataspace");
    const Hdf5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "shard properties");
    hdf5_check(H5Pset_chunk(properties.get(), 1, &chunk), "chunk " + name);
    hdf5_check(H5Pset_shuffle(properties.get()), "shuffle " + name);
    hdf5_check(H5Pset_deflate(properties.get(), kDeflateLevel), "deflate " + name);
    const Hdf5Handle link_properties(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "link properties");
    hdf5_check(H5Pset_create_intermediate_group(link_properties.get(), 1), "group " + name);
    const Hdf5Handle type = shard::file_type(kind, text_size);
    return {H5Dcreate2(file,
                       name.c_str(),
                       type.get(),
                       space.get(),
                       link_properties.get(),
                       properties.get(),
                       H5P_DEFAULT),
            H5Dclose,
            "create " + name};
}

void append_elements(hid_t dataset,
                     hid_t memory_type,
                     std::int64_t offset,
                     std::size_t count,
                     const void* data,
                     std::string_view what) {
    if (count == 0) {
        return;
    }
    const std::string name(what);
    const std::array<hsize_t, 1> start{static_cast<hsize_t>(offset)};
    const std::array<hsize_t, 1> extent{static_cast<hsize_t>(offset) + count};
    const std::array<hsize_t, 1> length{count};
    hdf5_check(H5Dset_extent(dataset, extent.data()), "extend " + name);
    const Hdf5Handle file_space(H5Dget_space(dataset), H5Sclose, "space of " + name);
    hdf5_check(H5Sselect_hyperslab(
                   file_space.get(), H5S_SELECT_SET, start.data(), nullptr, length.data(), nullptr),
               "select in " + name);
    const Hdf5Handle memory_space(
        H5Screate_simple(1, length.data(), nullptr), H5Sclose, "memory space");
    hdf5_check(
        H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
        "write " + name);
}

struct Column {
    Hdf5Handle dataset;
    Hdf5Handle memory_type;
};

}  // namespace

struct ShardWriter::Columns {
    std::vector<Column> runs;    // in shard::run_columns() order
    std::vector<Column> series;  // epoch_wall_s, the statistics in kStatisticNames order,
                                 // energy_share, energy_rest_of_node_j
    std::vector<Column> layers;  // just /layers/width
    std::vector<Column> energy;  // /energy/gross_j, /energy/net_j
};

namespace {

// The per-epoch series `index` of a run (see Columns::series); a run without energy has
// NaN shares, one without a wall meter NaN for the rest of the node, and one without
// validation rows NaN validation statistics.
std::vector<float> series_of(const common::RunResult& result, std::size_t index) {
    if (index == 0) {
        return result.epoch_wall_s;
    }
    if (index <= common::kStatisticCount) {
        const auto& series = result.statistics.at(index - 1);
        if (series.empty() && common::may_be_empty(index - 1)) {  // no validation rows
            std::vector<float> not_measured(result.epoch_wall_s.size(),
                                            std::numeric_limits<float>::quiet_NaN());
            return not_measured;
        }
        return series;
    }
    const bool share = index == common::kStatisticCount + 1;
    if (result.energy && share) {
        return result.energy->share;
    }
    if (result.energy && !share && !result.energy->wall_source.empty()) {
        return result.energy->rest_of_node_j;
    }
    std::vector<float> no_energy(result.epoch_wall_s.size(),
                                 std::numeric_limits<float>::quiet_NaN());
    return no_energy;
}

// A run's per-domain joules, domain after domain (gross or net).
std::vector<float> energy_values(const common::RunResult& result, bool net) {
    std::vector<float> values;
    if (result.energy) {
        for (const auto& series : net ? result.energy->net_j : result.energy->gross_j) {
            values.insert(values.end(), series.begin(), series.end());
        }
    }
    return values;
}

Hdf5Handle create_shard_file(const std::filesystem::path& path) {
    const Hdf5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access properties");
    // SWMR needs the latest file format (HDF5 1.10).
    hdf5_check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
               "ask for the SWMR file format");
    return {H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, access.get()),
            H5Fclose,
            fmt::format("create shard {}", path.string())};
}

}  // namespace

std::filesystem::path choose_shard_path(const std::filesystem::path& directory,
                                        const std::string& job) {
    std::filesystem::path path = directory / fmt::format("{}.h5", job);
    for (int restart = 1; std::filesystem::exists(path); ++restart) {
        path = directory / fmt::format("{}.{}.h5", job, restart);
    }
    return path;
}

ShardWriter::ShardWriter(const std::filesystem::path& path, const ShardIdentity& identity)
    : path_(path), file_(create_shard_file(path)), columns_(std::make_unique<Columns>()) {
    try {
        common::write_text_attribute(file_.get(), "format", std::string(shard::kFormat));
        common::write_integer_attribute(file_.get(), "format_version", shard::kFormatVersion);
        common::write_text_attribute(file_.get(), "job", identity.job);
        common::write_integer_attribute(file_.get(), "coordinator_id", identity.coordinator_id);
        common::write_text_attribute(file_.get(), "host", identity.host);
        common::write_text_attribute(
            file_.get(), "slurm_job_id", identity.slurm_job_id.value_or(""));
        common::write_text_attribute(file_.get(), "software", identity.software_json);
        for (const shard::ColumnSpec& spec : shard::run_columns()) {
            columns_->runs.push_back(
                Column{create_column(file_.get(), spec.path, spec.kind, spec.text_size, kRunChunk),
                       shard::memory_type(spec.kind, spec.text_size)});
        }
        const auto add_series = [&](std::string_view path_in_file) {
            columns_->series.push_back(
                Column{create_column(
                           file_.get(), path_in_file, shard::ColumnKind::kFloat32, 0, kSeriesChunk),
                       shard::memory_type(shard::ColumnKind::kFloat32, 0)});
        };
        add_series(shard::kEpochWallPath);
        for (const auto name : common::kStatisticNames) {
            add_series(shard::epoch_series_path(name));
        }
        add_series(shard::epoch_series_path(shard::kEnergyShareSeries));
        add_series(shard::epoch_series_path(shard::kRestOfNodeSeries));
        for (const auto path_in_file : {shard::kEnergyGrossPath, shard::kEnergyNetPath}) {
            columns_->energy.push_back(
                Column{create_column(
                           file_.get(), path_in_file, shard::ColumnKind::kFloat32, 0, kSeriesChunk),
                       shard::memory_type(shard::ColumnKind::kFloat32, 0)});
        }
        columns_->layers.push_back(Column{
            create_column(
                file_.get(), shard::kLayerWidthPath, shard::ColumnKind::kInt64, 0, kRunChunk),
            shard::memory_type(shard::ColumnKind::kInt64, 0)});
        hdf5_check(H5Fstart_swmr_write(file_.get()), "start SWMR writing");
    } catch (...) {
        columns_.reset();
        std::filesystem::remove(path);  // the handles close as the exception leaves
        throw;
    }
}

// The columns close before the file (declaration order); every batch is already flushed.
ShardWriter::~ShardWriter() = default;

void ShardWriter::append(const std::vector<ShardRun>& runs) {
    if (runs.empty()) {
        return;
    }
    // Rows first (offsets into the series), then the series and widths, flush, then the
    // run columns with run_id last, flush: a crash at any point leaves run_id no longer
    // than the runs whose every value is on disk.
    std::vector<shard::RunRow> rows;
    rows.reserve(runs.size());
    std::int64_t epoch_end = epoch_count_;
    std::int64_t layer_end = layer_count_;
    std::int64_t energy_end = energy_count_;
    for (const ShardRun& run : runs) {
        const std::size_t energy_count = energy_values(run.result, false).size();
        shard::RunRow row{run,
                          epoch_end,
                          static_cast<std::int32_t>(run.result.epoch_wall_s.size()),
                          layer_end,
                          static_cast<std::int32_t>(run.result.widths.size()),
                          energy_end,
                          static_cast<std::int32_t>(energy_count)};
        epoch_end += row.epoch_count;
        layer_end += row.layer_count;
        energy_end += row.energy_count;
        rows.push_back(std::move(row));
    }
    const std::string what = fmt::format("shard {}", path_.string());
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(epoch_end - epoch_count_));
    for (std::size_t series = 0; series < columns_->series.size(); ++series) {
        values.clear();
        for (const ShardRun& run : runs) {
            const std::vector<float> source = series_of(run.result, series);
            values.insert(values.end(), source.begin(), source.end());
        }
        const Column& column = columns_->series.at(series);
        append_elements(column.dataset.get(),
                        column.memory_type.get(),
                        epoch_count_,
                        values.size(),
                        values.data(),
                        what);
    }
    std::vector<std::int64_t> widths;
    for (const ShardRun& run : runs) {
        widths.insert(widths.end(), run.result.widths.begin(), run.result.widths.end());
    }
    const Column& layer_column = columns_->layers.front();
    append_elements(layer_column.dataset.get(),
                    layer_column.memory_type.get(),
                    layer_count_,
                    widths.size(),
                    widths.data(),
                    what);
    for (std::size_t net = 0; net < columns_->energy.size(); ++net) {
        values.clear();
        for (const ShardRun& run : runs) {
            const std::vector<float> source = energy_values(run.result, net == 1);
            values.insert(values.end(), source.begin(), source.end());
        }
        const Column& column = columns_->energy.at(net);
        append_elements(column.dataset.get(),
                        column.memory_type.get(),
                        energy_count_,
                        values.size(),
                        values.data(),
                        what);
    }
    std::vector<std::byte> buffer;
    for (std::size_t index = 0; index < columns_->runs.size(); ++index) {
        const shard::ColumnSpec& spec = shard::run_columns().at(index);
        const std::size_t size = shard::element_size(spec);
        buffer.assign(size * rows.size(), std::byte{0});
        for (std::size_t row = 0; row < rows.size(); ++row) {
            spec.store(rows[row], buffer.data() + row * size);
        }
        if (index + 1 == columns_->runs.size()) {
            hdf5_check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + what);
        }
        const Column& column = columns_->runs.at(index);
        append_elements(column.dataset.get(),
                        column.memory_type.get(),
                        run_count_,
                        rows.size(),
                        buffer.data(),
                        what);
    }
    hdf5_check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + what);
    run_count_ += static_cast<std::int64_t>(rows.size());
    epoch_count_ = epoch_end;
    layer_count_ = layer_end;
    energy_count_ = energy_end;
}

}  // namespace joulesweep::coordinator
