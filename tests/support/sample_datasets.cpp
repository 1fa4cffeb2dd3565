#include "sample_datasets.hpp"

#include <cstdint>

#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::testing {

worker::PreparedDataset learnable_banana() {
    worker::PreparedDataset dataset;
    dataset.name = "banana";
    dataset.task = common::Task::kRegression;
    dataset.rows = 5300;
    dataset.raw_features = 2;
    dataset.input_width = 2;
    dataset.output_width = 1;
    worker::RandomStream random(99);
    for (std::int64_t row = 0; row < dataset.rows; ++row) {
        const auto first = static_cast<float>(random.uniform());
        const auto second = static_cast<float>(random.uniform());
        dataset.inputs.push_back(first);
        dataset.inputs.push_back(second);
        dataset.targets.push_back(first > second ? 1.0F : 0.0F);
    }
    return dataset;
}

}  // namespace joulesweep::testing
