#include "joulesweep/worker/model/network.hpp"

#include <algorithm>
#include <cmath>

#include "joulesweep/common/topology.hpp"

namespace joulesweep::worker {

NetworkSpec network_for(const common::ExperimentConfig& config,
                        const common::DatasetInfo& dataset) {
    const common::Topology topology = common::build_topology(
        config.shape, config.depth, config.size, dataset.input_width, dataset.output_width);
    NetworkSpec spec;
    spec.input_width = dataset.input_width;
    for (const std::int64_t width : topology.widths) {
        spec.widths.push_back(static_cast<int>(width));
    }
    const bool skips = common::has_residual_skips(config.shape);
    for (std::size_t layer = 0; layer < spec.widths.size(); ++layer) {
        spec.residual.push_back(skips && layer > 0 && layer + 1 < spec.widths.size());
    }
    switch (dataset.task) {
        case common::Task::kRegression:
            spec.output = OutputActivation::kSigmoid;
            spec.loss = LossKind::kMeanSquaredError;
            break;
        case common::Task::kBinary:
            spec.output = OutputActivation::kSigmoid;
            spec.loss = LossKind::kBinaryCrossEntropy;
            break;
        case common::Task::kClassification:
            spec.output = OutputActivation::kSoftmax;
            spec.loss = LossKind::kCategoricalCrossEntropy;
            break;
    }
    spec.l1 = config.l1;
    spec.l2 = config.l2;
    spec.parameter_count = topology.parameter_count;
    return spec;
}

double operations_per_epoch(const NetworkSpec& spec,
                            std::int64_t train_rows,
                            std::int64_t evaluated_rows,
                            int batch_size) {
    double forward = 0.0;   // per row
    double backward = 0.0;  // per row
    double inputs = spec.input_width;
    for (std::size_t layer = 0; layer < spec.widths.size(); ++layer) {
        const double outputs = spec.widths[layer];
        forward += inputs * outputs + outputs;
        backward += 2.0 * outputs + inputs * outputs + (layer > 0 ? inputs * outputs : 0.0);
        inputs = outputs;
    }
    const auto rows = static_cast<double>(train_rows);
    const double batches = std::ceil(rows / static_cast<double>(std::max(batch_size, 1)));
    const auto parameters = static_cast<double>(spec.parameter_count);
    return rows * (forward + backward) + parameters * (batches + rows) +
           static_cast<double>(evaluated_rows) * forward;
}

}  // namespace joulesweep::worker
