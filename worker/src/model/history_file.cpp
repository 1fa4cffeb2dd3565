#include "joulesweep/worker/model/history_file.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/hdf5_handle.hpp"

namespace joulesweep::worker {
namespace {

using common::hdf5_check;
using common::Hdf5Handle;

void write_series(hid_t file, const std::string& name, const std::vector<float>& values) {
    const std::array<hsize_t, 1> dims{values.size()};
    const Hdf5Handle space(H5Screate_simple(1, dims.data(), nullptr), H5Sclose, name);
    const Hdf5Handle dataset(
        H5Dcreate2(
            file, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose,
        name);
    if (!values.empty()) {
        hdf5_check(
            H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            name);
    }
}

// A run's joules per epoch, summed over the meter's domains; empty without energy.
std::vector<float> gross_j_per_epoch(const common::RunResult& result) {
    if (!result.energy) {
        return {};
    }
    std::vector<float> total(result.epoch_wall_s.size(), 0.0F);
    for (const std::vector<float>& domain : result.energy->gross_j) {
        for (std::size_t epoch = 0; epoch < total.size() && epoch < domain.size(); ++epoch) {
            total[epoch] += domain[epoch];
        }
    }
    return total;
}

void write_attribute(
    hid_t file, const char* name, hid_t memory_type, hid_t file_type, const void* value) {
    const Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose, name);
    const Hdf5Handle attribute(
        H5Acreate2(file, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
    hdf5_check(H5Awrite(attribute.get(), memory_type, value), name);
}

}  // namespace

void write_history_csv(const std::filesystem::path& path, const common::RunResult& result) {
    std::ofstream out(path);
    if (!out) {
        throw common::StorageError(fmt::format("cannot write {}", path.string()));
    }
    // Series left empty (validation_* without validation rows) get no column.
    out << "epoch,wall_s";
    for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
        if (!result.statistics.at(index).empty()) {
            out << ',' << common::kStatisticNames.at(index);
        }
    }
    const std::vector<float> energy_j = gross_j_per_epoch(result);
    out << (result.energy ? ",energy_gross_j,energy_source" : "") << '\n';
    for (std::size_t epoch = 0; epoch < result.epoch_wall_s.size(); ++epoch) {
        out << (epoch + 1) << ',' << fmt::format("{}", result.epoch_wall_s[epoch]);
        for (const auto& series : result.statistics) {
            if (!series.empty()) {
                out << ',' << fmt::format("{}", series.at(epoch));
            }
        }
        if (result.energy) {
            out << ',' << fmt::format("{}", energy_j[epoch]) << ',' << result.energy->source;
        }
        out << '\n';
    }
    if (!out.flush()) {
        throw common::StorageError(fmt::format("error writing {}", path.string()));
    }
}

void write_history_hdf5(const std::filesystem::path& path,
                        const common::RunResult& result,
                        const std::string& config_json) {
    try {
        const Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                              H5Fclose,
                              "create the file");
        write_series(file.get(), "epoch_wall_s", result.epoch_wall_s);
        for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
            if (result.statistics.at(index).empty()) {
                continue;  // validation_* without validation rows
            }
            write_series(file.get(),
                         std::string(common::kStatisticNames.at(index)),
                         result.statistics.at(index));
        }
        const Hdf5Handle text(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
        hdf5_check(H5Tset_size(text.get(), H5T_VARIABLE), "string type");
        hdf5_check(H5Tset_cset(text.get(), H5T_CSET_UTF8), "string type");
        const char* config = config_json.c_str();
        write_attribute(
            file.get(), "config", text.get(), text.get(), static_cast<const void*>(&config));
        const std::string widths = fmt::format("[{}]", fmt::join(result.widths, ", "));
        const char* widths_text = widths.c_str();
        write_attribute(
            file.get(), "widths", text.get(), text.get(), static_cast<const void*>(&widths_text));
        write_attribute(file.get(), "seed", H5T_NATIVE_INT64, H5T_STD_I64LE, &result.seed);
        write_attribute(file.get(),
                        "parameter_count",
                        H5T_NATIVE_INT64,
                        H5T_STD_I64LE,
                        &result.parameter_count);
        const std::int64_t diverged = result.diverged ? 1 : 0;
        write_attribute(file.get(), "diverged", H5T_NATIVE_INT64, H5T_STD_I64LE, &diverged);
        if (result.energy) {
            write_series(file.get(), "energy_gross_j", gross_j_per_epoch(result));
            const char* source = result.energy->source.c_str();
            write_attribute(file.get(),
                            "energy_source",
                            text.get(),
                            text.get(),
                            static_cast<const void*>(&source));
        }
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path.string(), error.what()));
    }
}

}  // namespace joulesweep::worker
