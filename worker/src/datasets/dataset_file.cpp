#include "joulesweep/worker/datasets/dataset_file.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_attributes.hpp"
#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/hdf5_handle.hpp"

namespace joulesweep::worker {
namespace {

using common::hdf5_check;
using common::Hdf5Handle;

constexpr unsigned kDeflateLevel = 4;
constexpr hsize_t kChunkFloats = hsize_t{1} << 18;  // 1 MiB chunks

void write_matrix(hid_t file,
                  const char* name,
                  const std::vector<float>& values,
                  std::int64_t rows,
                  int columns) {
    const std::array<hsize_t, 2> dims{static_cast<hsize_t>(rows), static_cast<hsize_t>(columns)};
    const std::array<hsize_t, 2> chunk{
        std::clamp<hsize_t>(kChunkFloats / dims[1], 1, std::max<hsize_t>(dims[0], 1)), dims[1]};
    const Hdf5Handle space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose, name);
    const Hdf5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, name);
    hdf5_check(H5Pset_chunk(properties.get(), 2, chunk.data()), name);
    hdf5_check(H5Pset_shuffle(properties.get()), name);
    hdf5_check(H5Pset_deflate(properties.get(), kDeflateLevel), name);
    const Hdf5Handle dataset(
        H5Dcreate2(
            file, name, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
        H5Dclose,
        name);
    hdf5_check(
        H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        name);
}

std::vector<float> read_matrix(hid_t file, const char* name, std::int64_t& rows, int& columns) {
    const Hdf5Handle dataset(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, name);
    const Hdf5Handle space(H5Dget_space(dataset.get()), H5Sclose, name);
    std::array<hsize_t, 2> dims{};
    if (H5Sget_simple_extent_ndims(space.get()) != 2) {
        throw common::StorageError(fmt::format("/{} is not a matrix", name));
    }
    hdf5_check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), name);
    rows = static_cast<std::int64_t>(dims[0]);
    columns = static_cast<int>(dims[1]);
    std::vector<float> values(dims[0] * dims[1]);
    hdf5_check(
        H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        name);
    return values;
}

nlohmann::json transform_json(const ColumnTransform& transform) {
    nlohmann::json json{{"column", transform.column},
                        {"rule", std::string(to_text(transform.rule))},
                        {"numeric", transform.numeric}};
    if (transform.rule == ColumnRule::kBinary) {
        json["one"] = transform.values.front();
    }
    if (transform.rule == ColumnRule::kOneHot) {
        json["categories"] = transform.values;
    }
    if (transform.rule == ColumnRule::kMinMax) {
        json["min"] = transform.minimum;
        json["max"] = transform.maximum;
    }
    if (transform.rule == ColumnRule::kScale) {
        json["divisor"] = transform.maximum;
    }
    return json;
}

ColumnTransform transform_from_json(const nlohmann::json& json) {
    ColumnTransform transform;
    transform.column = json.at("column").get<std::string>();
    transform.numeric = json.at("numeric").get<bool>();
    transform.rule = kColumnRuleNames.parse(json.at("rule").get<std::string>());
    if (json.contains("one")) {
        transform.values = {json.at("one").get<std::string>()};
    }
    if (json.contains("categories")) {
        transform.values = json.at("categories").get<std::vector<std::string>>();
    }
    transform.minimum = json.value("min", 0.0);
    transform.maximum =
        json.contains("divisor") ? json.at("divisor").get<double>() : json.value("max", 0.0);
    return transform;
}

common::Task task_from_text(const std::string& text) {
    for (const common::Task task :
         {common::Task::kRegression, common::Task::kBinary, common::Task::kClassification}) {
        if (common::to_text(task) == text) {
            return task;
        }
    }
    throw common::StorageError(fmt::format("unknown task '{}'", text));
}

}  // namespace

void write_dataset_file(const std::filesystem::path& path,
                        const PreparedDataset& dataset,
                        const std::string& prepared_by) {
    const std::filesystem::path partial = path.string() + ".partial";
    {
        const Hdf5Handle file(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                              H5Fclose,
                              fmt::format("create {}", partial.string()));
        write_matrix(file.get(), "inputs", dataset.inputs, dataset.rows, dataset.input_width);
        write_matrix(file.get(), "targets", dataset.targets, dataset.rows, dataset.output_width);
        nlohmann::json transforms{{"inputs", nlohmann::json::array()},
                                  {"target", transform_json(dataset.target_transform)}};
        for (const ColumnTransform& transform : dataset.input_transforms) {
            transforms["inputs"].push_back(transform_json(transform));
        }
        common::write_text_attribute(file.get(), "name", dataset.name);
        common::write_text_attribute(
            file.get(), "task", std::string(common::to_text(dataset.task)));
        common::write_text_attribute(file.get(), "loss", std::string(loss_name(dataset.task)));
        common::write_text_attribute(
            file.get(), "output_activation", std::string(output_activation(dataset.task)));
        common::write_integer_attribute(file.get(), "rows", dataset.rows);
        common::write_integer_attribute(file.get(), "raw_features", dataset.raw_features);
        common::write_text_attribute(file.get(), "source_sha256", dataset.source_sha256);
        common::write_text_attribute(file.get(), "prepared_by", prepared_by);
        common::write_text_attribute(file.get(), "transforms", transforms.dump());
    }
    std::filesystem::rename(partial, path);
}

PreparedDataset read_dataset_file(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) {
        throw common::StorageError(fmt::format(
            "no prepared dataset at {}: run `joulesweep datasets prepare`", path.string()));
    }
    try {
        const Hdf5Handle file(
            H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open the file");
        PreparedDataset dataset;
        dataset.name = common::read_text_attribute(file.get(), "name");
        dataset.task = task_from_text(common::read_text_attribute(file.get(), "task"));
        dataset.raw_features =
            static_cast<int>(common::read_integer_attribute(file.get(), "raw_features"));
        dataset.source_sha256 = common::read_text_attribute(file.get(), "source_sha256");
        std::int64_t target_rows = 0;
        dataset.inputs = read_matrix(file.get(), "inputs", dataset.rows, dataset.input_width);
        dataset.targets = read_matrix(file.get(), "targets", target_rows, dataset.output_width);
        if (target_rows != dataset.rows) {
            throw common::StorageError(
                fmt::format("/inputs has {} rows but /targets has {}", dataset.rows, target_rows));
        }
        const auto transforms =
            nlohmann::json::parse(common::read_text_attribute(file.get(), "transforms"));
        for (const auto& transform : transforms.at("inputs")) {
            dataset.input_transforms.push_back(transform_from_json(transform));
        }
        dataset.target_transform = transform_from_json(transforms.at("target"));
        return dataset;
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path.string(), error.what()));
    } catch (const nlohmann::json::exception& error) {
        throw common::StorageError(fmt::format(
            "{}: the transforms attribute is not valid: {}", path.string(), error.what()));
    }
}

PreparedDataset read_dataset(const std::filesystem::path& directory, std::string_view name) {
    const std::filesystem::path path = directory / fmt::format("{}.h5", name);
    PreparedDataset dataset = read_dataset_file(path);
    if (dataset.name != name) {
        throw common::ConfigError(fmt::format(
            "{} holds dataset '{}', not '{}' (copied or renamed?): prepare or import '{}' again",
            path.string(),
            dataset.name,
            name,
            name));
    }
    for (const auto& [matrix, width, what] :
         {std::tuple{&dataset.inputs, dataset.input_width, "inputs"},
          std::tuple{&dataset.targets, dataset.output_width, "targets"}}) {
        const auto bad =
            std::ranges::find_if(*matrix, [](float value) { return !std::isfinite(value); });
        if (bad != matrix->end()) {
            const auto index = static_cast<std::size_t>(bad - matrix->begin());
            const auto columns = static_cast<std::size_t>(width);
            throw common::ConfigError(fmt::format(
                "{}: /{}[{}, {}] is {}: the file is damaged; prepare or import '{}' again",
                path.string(),
                what,
                index / columns,
                index % columns,
                *bad,
                name));
        }
    }
    return dataset;
}

}  // namespace joulesweep::worker
