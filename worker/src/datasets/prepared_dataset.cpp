#include "joulesweep/worker/datasets/prepared_dataset.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

constexpr int kPixels = 28 * 28;
constexpr int kDigits = 10;
constexpr float kPixelScale = 255.0F;
constexpr std::uint32_t kImagesMagic = 0x00000803;
constexpr std::uint32_t kLabelsMagic = 0x00000801;

std::uint32_t big_endian(const std::array<unsigned char, 4>& bytes) {
    constexpr int kByte = 8;
    std::uint32_t value = 0;
    for (const unsigned char byte : bytes) {
        value = (value << kByte) | byte;
    }
    return value;
}

// The payload of one IDX file after checking its magic number and dimensions.
std::vector<unsigned char> read_idx(const std::filesystem::path& path,
                                    std::uint32_t magic,
                                    std::uint32_t expected_count,
                                    std::size_t item_size) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw common::StorageError(fmt::format(
            "cannot open {} (fetch MNIST with scripts/fetch-mnist.sh DIR)", path.string()));
    }
    const std::size_t header_words = magic == kImagesMagic ? 4 : 2;
    std::vector<std::uint32_t> header;
    for (std::size_t word = 0; word < header_words; ++word) {
        std::array<unsigned char, 4> bytes{};
        in.read(reinterpret_cast<char*>(bytes.data()), bytes.size());  // NOLINT: byte I/O
        header.push_back(big_endian(bytes));
    }
    if (!in || header[0] != magic || header[1] != expected_count ||
        (magic == kImagesMagic && header[2] * header[3] != kPixels)) {
        throw common::ConfigError(
            fmt::format("{}: not an MNIST IDX file of {} items (bad magic or dimensions)",
                        path.string(),
                        expected_count));
    }
    std::vector<unsigned char> payload(expected_count * item_size);
    in.read(reinterpret_cast<char*>(payload.data()),  // NOLINT: byte I/O
            static_cast<std::streamsize>(payload.size()));
    if (!in) {
        throw common::ConfigError(fmt::format("{}: truncated", path.string()));
    }
    return payload;
}

}  // namespace

std::string_view output_activation(common::Task task) noexcept {
    return task == common::Task::kClassification ? "softmax" : "sigmoid";
}

std::string_view loss_name(common::Task task) noexcept {
    switch (task) {
        case common::Task::kRegression:
            return "mean_squared_error";
        case common::Task::kBinary:
            return "binary_crossentropy";
        case common::Task::kClassification:
            return "categorical_crossentropy";
    }
    return "unknown";
}

PreparedDataset prepare_table(const common::DatasetInfo& info, const RawTable& table) {
    std::vector<ColumnTransform> inputs;
    for (const RawColumn& column : table.features) {
        inputs.push_back(fit_column(column));
    }
    return apply_transforms(
        info.name, info.task, table, std::move(inputs), fit_column(table.target));
}

PreparedDataset apply_transforms(std::string_view name,
                                 common::Task task,
                                 const RawTable& table,
                                 std::vector<ColumnTransform> input_transforms,
                                 ColumnTransform target_transform) {
    PreparedDataset dataset;
    dataset.name = std::string(name);
    dataset.task = task;
    dataset.rows = static_cast<std::int64_t>(table.rows());
    dataset.raw_features = static_cast<int>(table.features.size());
    dataset.input_transforms = std::move(input_transforms);
    for (const ColumnTransform& transform : dataset.input_transforms) {
        dataset.input_width += transform.width();
    }
    dataset.target_transform = std::move(target_transform);
    dataset.output_width = dataset.target_transform.width();
    if (dataset.output_width == 0) {
        throw common::ConfigError(
            fmt::format("dataset {}: the target has a single value: nothing to learn", name));
    }
    const auto rows = static_cast<std::size_t>(dataset.rows);
    dataset.inputs.assign(rows * static_cast<std::size_t>(dataset.input_width), 0.0F);
    std::size_t offset = 0;
    for (std::size_t column = 0; column < table.features.size(); ++column) {
        const ColumnTransform& transform = dataset.input_transforms[column];
        apply_column(transform,
                     table.features[column],
                     dataset.inputs.data(),
                     static_cast<std::size_t>(dataset.input_width),
                     offset);
        offset += static_cast<std::size_t>(transform.width());
    }
    dataset.targets.assign(rows * static_cast<std::size_t>(dataset.output_width), 0.0F);
    apply_column(dataset.target_transform,
                 table.target,
                 dataset.targets.data(),
                 static_cast<std::size_t>(dataset.output_width),
                 0);
    return dataset;
}

PreparedDataset prepare_mnist_idx(const std::filesystem::path& idx_dir) {
    constexpr std::uint32_t kTrain = 60000;
    constexpr std::uint32_t kTest = 10000;
    PreparedDataset dataset;
    dataset.name = "mnist";
    dataset.task = common::Task::kClassification;
    dataset.rows = kTrain + kTest;
    dataset.raw_features = kPixels;
    dataset.input_width = kPixels;
    dataset.output_width = kDigits;
    dataset.inputs.reserve(static_cast<std::size_t>(dataset.rows) * kPixels);
    dataset.targets.assign(static_cast<std::size_t>(dataset.rows) * kDigits, 0.0F);
    std::size_t row = 0;
    for (const auto& [part, count] : {std::pair{"train", kTrain}, std::pair{"t10k", kTest}}) {
        const auto pixels = read_idx(
            idx_dir / fmt::format("{}-images-idx3-ubyte", part), kImagesMagic, count, kPixels);
        const auto labels =
            read_idx(idx_dir / fmt::format("{}-labels-idx1-ubyte", part), kLabelsMagic, count, 1);
        for (const unsigned char pixel : pixels) {
            dataset.inputs.push_back(static_cast<float>(pixel) / kPixelScale);
        }
        for (const unsigned char label : labels) {
            if (label >= kDigits) {
                throw common::ConfigError(
                    fmt::format("{}-labels-idx1-ubyte: label {} is not a digit", part, label));
            }
            dataset.targets[(row * kDigits) + label] = 1.0F;
            ++row;
        }
    }
    for (int pixel = 1; pixel <= kPixels; ++pixel) {
        dataset.input_transforms.push_back(
            ColumnTransform{std::to_string(pixel), ColumnRule::kScale, true, {}, 0.0, kPixelScale});
    }
    dataset.target_transform.column = "target";
    dataset.target_transform.rule = ColumnRule::kOneHot;
    for (int digit = 0; digit < kDigits; ++digit) {
        dataset.target_transform.values.push_back(std::to_string(digit));
    }
    return dataset;
}

void check_against_catalog(const PreparedDataset& dataset, const common::DatasetInfo& info) {
    const auto differs = [&](std::string_view what, std::int64_t made, std::int64_t catalog) {
        if (made != catalog) {
            throw common::ConfigError(fmt::format(
                "dataset {}: preparing it gave {} {} but the catalog, which the enqueuer sizes "
                "networks from, says {}: the source file is not the one BUTTER used (or, for "
                "an imported dataset, not the one it was imported from)",
                info.name,
                made,
                what,
                catalog));
        }
    };
    differs("rows", dataset.rows, info.rows);
    differs("raw features", dataset.raw_features, info.raw_features);
    differs("network inputs", dataset.input_width, info.input_width);
    differs("network outputs", dataset.output_width, info.output_width);
}

}  // namespace joulesweep::worker
