#include "joulesweep/worker/model/run_inputs_file.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <hdf5.h>

#include "joulesweep/common/hdf5_attributes.hpp"
#include "joulesweep/common/hdf5_handle.hpp"
#include "joulesweep/common/topology.hpp"

#include "sample_datasets.hpp"
#include "temporary_directory.hpp"

namespace joulesweep::worker {
namespace {

using common::Hdf5Handle;

// A dataset's dimensions and its values read as `Value` (float or int).
template <typename Value>
std::pair<std::vector<hsize_t>, std::vector<Value>> read_array(hid_t file, const char* name) {
    const Hdf5Handle dataset(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, name);
    const Hdf5Handle space(H5Dget_space(dataset.get()), H5Sclose, name);
    std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    const auto count = std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
    std::vector<Value> values(count);
    const hid_t type = std::is_same_v<Value, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT32;
    if (count > 0) {
        H5Dread(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    }
    return {dims, values};
}

}  // namespace

TEST_CASE("RunInputsFile: the split data, initial and trained weights and every batch order",
          "[worker][model]") {
    const testing::TemporaryDirectory directory;
    const auto path = directory.path() / "inputs.h5";
    common::ExperimentConfig config;
    config.dataset = "banana";
    config.depth = 3;
    config.size = 256;
    config.batch_size = 64;
    config.epochs = 3;
    config.label_noise = 0.1;

    std::unique_ptr<RunInputsFile> file;
    std::size_t train_rows = 0;
    std::vector<float> first_kernel;
    TrainingOptions options;
    options.on_inputs = [&](const RunInputs& inputs) {
        file = std::make_unique<RunInputsFile>(path, inputs, config.epochs, "{}", 11);
        train_rows = inputs.split.train.rows;
        const Matrix& kernel = inputs.initial.kernels[0];
        first_kernel.assign(kernel.data(), kernel.data() + kernel.size());
    };
    std::vector<std::vector<std::size_t>> orders;
    options.on_batch_order = [&](int epoch, const std::vector<std::size_t>& order) {
        file->write_batch_order(epoch, order);
        orders.push_back(order);
    };
    options.on_trained = [&](const Parameters& trained) {
        file->write_trained(trained);
    };
    const common::RunResult result = train_run(config, testing::learnable_banana(), 11, options);
    file.reset();

    const Hdf5Handle read(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    CHECK(common::read_integer_attribute(read.get(), "epochs_written") == 3);
    CHECK(common::read_integer_attribute(read.get(), "seed") == 11);
    CHECK(common::read_text_attribute(read.get(), "widths") ==
          common::format_widths(result.widths));
    CHECK(common::read_text_attribute(read.get(), "residual") == "[0, 0, 0]");
    CHECK(common::read_text_attribute(read.get(), "loss") == "mean_squared_error");

    const auto [order_dims, order_values] = read_array<std::int32_t>(read.get(), "batch_order");
    REQUIRE(order_dims == std::vector<hsize_t>{3, train_rows});
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        CHECK(std::equal(orders[epoch].begin(),
                         orders[epoch].end(),
                         order_values.begin() + static_cast<std::ptrdiff_t>(epoch * train_rows)));
    }
    CHECK(orders[0] != orders[1]);  // reshuffled every epoch

    const auto [train_dims, train_inputs] = read_array<float>(read.get(), "train/inputs");
    CHECK(train_dims == std::vector<hsize_t>{train_rows, 2});
    const auto [test_dims, test_targets] = read_array<float>(read.get(), "test/targets");
    CHECK(static_cast<std::int64_t>(test_dims[0] + train_rows) == testing::learnable_banana().rows);
    const auto [kernel_dims, initial] = read_array<float>(read.get(), "initial/kernel_0");
    CHECK(initial == first_kernel);
    const auto [trained_dims, trained] = read_array<float>(read.get(), "trained/kernel_0");
    CHECK(trained_dims == kernel_dims);
    CHECK(trained != initial);
}

}  // namespace joulesweep::worker
