#include "joulesweep/worker/model/run_inputs_file.hpp"

#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_attributes.hpp"
#include "joulesweep/common/hdf5_call.hpp"

namespace joulesweep::worker {
namespace {

using common::hdf5_check;
using common::Hdf5Handle;

void write_floats(hid_t parent,
                  const std::string& name,
                  std::size_t rows,
                  std::size_t columns,
                  const float* values) {
    const std::array<hsize_t, 2> dims{rows, columns};
    const Hdf5Handle space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose, name);
    const Hdf5Handle dataset(H5Dcreate2(parent,
                                        name.c_str(),
                                        H5T_IEEE_F32LE,
                                        space.get(),
                                        H5P_DEFAULT,
                                        H5P_DEFAULT,
                                        H5P_DEFAULT),
                             H5Dclose,
                             name);
    if (rows * columns > 0) {
        hdf5_check(H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values),
                   name);
    }
}

void write_part(
    hid_t file, const char* name, const DataPart& part, int input_width, int output_width) {
    const Hdf5Handle group(
        H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, name);
    write_floats(group.get(),
                 "inputs",
                 part.rows,
                 static_cast<std::size_t>(input_width),
                 part.inputs.data());
    write_floats(group.get(),
                 "targets",
                 part.rows,
                 static_cast<std::size_t>(output_width),
                 part.targets.data());
}

void write_parameters(hid_t file, const char* name, const Parameters& parameters) {
    const Hdf5Handle group(
        H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, name);
    for (std::size_t layer = 0; layer < parameters.kernels.size(); ++layer) {
        const Matrix& kernel = parameters.kernels[layer];  // row-major, as HDF5 stores
        write_floats(group.get(),
                     fmt::format("kernel_{}", layer),
                     static_cast<std::size_t>(kernel.rows()),
                     static_cast<std::size_t>(kernel.cols()),
                     kernel.data());
        const RowVector& bias = parameters.biases[layer];
        write_floats(group.get(),
                     fmt::format("bias_{}", layer),
                     1,
                     static_cast<std::size_t>(bias.cols()),
                     bias.data());
    }
}

Hdf5Handle create_batch_order(hid_t file, int epochs, std::size_t train_rows) {
    const std::array<hsize_t, 2> dims{static_cast<hsize_t>(epochs), train_rows};
    const Hdf5Handle space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose, "batch_order");
    return {
        H5Dcreate2(
            file, "batch_order", H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose,
        "batch_order"};
}

Hdf5Handle create_file(const std::filesystem::path& path) {
    try {
        return {H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                H5Fclose,
                "create the file"};
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path.string(), error.what()));
    }
}

}  // namespace

RunInputsFile::RunInputsFile(const std::filesystem::path& path,
                             const RunInputs& inputs,
                             int epochs,
                             const std::string& config_json,
                             std::uint64_t seed)
    : path_(path),
      file_(create_file(path)),
      batch_order_(create_batch_order(file_.get(), epochs, inputs.split.train.rows)),
      train_rows_(inputs.split.train.rows) {
    try {
        const NetworkSpec& spec = inputs.spec;
        const int outputs = spec.widths.back();
        write_part(file_.get(), "train", inputs.split.train, spec.input_width, outputs);
        write_part(file_.get(), "validation", inputs.split.validation, spec.input_width, outputs);
        write_part(file_.get(), "test", inputs.split.test, spec.input_width, outputs);
        write_parameters(file_.get(), "initial", inputs.initial);
        common::write_text_attribute(file_.get(), "config", config_json);
        common::write_integer_attribute(file_.get(), "seed", static_cast<std::int64_t>(seed));
        common::write_text_attribute(
            file_.get(), "widths", fmt::format("[{}]", fmt::join(spec.widths, ", ")));
        std::vector<int> residual(spec.residual.begin(), spec.residual.end());
        common::write_text_attribute(
            file_.get(), "residual", fmt::format("[{}]", fmt::join(residual, ", ")));
        common::write_text_attribute(
            file_.get(), "output", std::string(kOutputActivationNames.name(spec.output)));
        common::write_text_attribute(file_.get(), "loss", std::string(kLossNames.name(spec.loss)));
        common::write_integer_attribute(file_.get(), "epochs_written", 0);
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path_.string(), error.what()));
    }
}

void RunInputsFile::write_batch_order(int epoch, const std::vector<std::size_t>& order) {
    JOULESWEEP_CHECK(order.size() == train_rows_, "a batch order covers every training row");
    try {
        const std::vector<std::int32_t> rows(order.begin(), order.end());
        const std::array<hsize_t, 2> start{static_cast<hsize_t>(epoch - 1), 0};
        const std::array<hsize_t, 2> count{1, train_rows_};
        const Hdf5Handle file_space(H5Dget_space(batch_order_.get()), H5Sclose, "batch_order");
        hdf5_check(
            H5Sselect_hyperslab(
                file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
            "batch_order");
        const Hdf5Handle memory_space(
            H5Screate_simple(2, count.data(), nullptr), H5Sclose, "batch_order");
        if (train_rows_ > 0) {
            hdf5_check(H5Dwrite(batch_order_.get(),
                                H5T_NATIVE_INT32,
                                memory_space.get(),
                                file_space.get(),
                                H5P_DEFAULT,
                                rows.data()),
                       "batch_order");
        }
        const Hdf5Handle attribute(
            H5Aopen(file_.get(), "epochs_written", H5P_DEFAULT), H5Aclose, "epochs_written");
        const std::int64_t written = epoch;
        hdf5_check(H5Awrite(attribute.get(), H5T_NATIVE_INT64, &written), "epochs_written");
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path_.string(), error.what()));
    }
}

void RunInputsFile::write_trained(const Parameters& trained) {
    try {
        write_parameters(file_.get(), "trained", trained);
    } catch (const common::StorageError& error) {
        throw common::StorageError(fmt::format("{}: {}", path_.string(), error.what()));
    }
}

}  // namespace joulesweep::worker
