#include "sample_datasets.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::testing {

worker::PreparedDataset learnable_dataset(std::string_view name) {
    const auto info = common::find_dataset(name);
    if (!info) {
        throw std::invalid_argument("no catalog dataset " + std::string(name));
    }
    worker::PreparedDataset dataset;
    dataset.name = std::string(name);
    dataset.task = info->task;
    dataset.rows = info->rows;
    dataset.raw_features = info->raw_features;
    dataset.input_width = info->input_width;
    dataset.output_width = info->output_width;
    const auto inputs = static_cast<std::size_t>(info->input_width);
    const auto outputs = static_cast<std::size_t>(info->output_width);
    worker::RandomStream random(99);
    std::vector<float> row(inputs);
    for (std::int64_t index = 0; index < dataset.rows; ++index) {
        for (float& value : row) {
            value = static_cast<float>(random.uniform());
        }
        dataset.inputs.insert(dataset.inputs.end(), row.begin(), row.end());
        if (info->task == common::Task::kClassification) {
            const auto largest =
                std::max_element(row.begin(), row.begin() + info->output_width) - row.begin();
            for (std::size_t column = 0; column < outputs; ++column) {
                dataset.targets.push_back(column == static_cast<std::size_t>(largest) ? 1.0F
                                                                                      : 0.0F);
            }
        } else {
            for (std::size_t column = 0; column < outputs; ++column) {
                const float first = row[column % inputs];
                const float second = row[(column + 1) % inputs];
                dataset.targets.push_back(first > second ? 1.0F : 0.0F);
            }
        }
    }
    return dataset;
}

worker::PreparedDataset learnable_banana() {
    return learnable_dataset("banana");
}

}  // namespace joulesweep::testing
