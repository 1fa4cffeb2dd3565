#include "joulesweep/worker/model/network.hpp"

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

}  // namespace joulesweep::worker
