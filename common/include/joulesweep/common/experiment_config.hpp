#pragma once
// One experiment's training configuration: everything that decides what is trained, and
// so what makes two experiments the same. The enqueuer stores it, the coordinator sends
// it to a worker, the worker trains it.

#include <cstdint>
#include <string>

#include "joulesweep/common/topology.hpp"

namespace joulesweep::common {

struct ExperimentConfig {
    std::string dataset;
    Shape shape = Shape::kRectangle;
    int depth = 0;          // Dense layers including the output layer
    std::int64_t size = 0;  // target trainable parameters
    double learning_rate = 1e-4;
    int batch_size = 256;
    std::string optimizer = "adam";  // adam, rmsprop or sgd
    double momentum = 0.0;           // rmsprop and sgd only
    double l1 = 0.0;                 // kernel penalty weights
    double l2 = 0.0;
    double label_noise = 0.0;
    int epochs = 3000;
    double test_fraction = 0.2;
    double validation_fraction = 0.0;
    std::string backend = "auto";  // auto, eigen, onednn or packed
};

// The canonical identity of a configuration: "field=value;..." over every field in
// name order, numbers in their shortest round-trip form. Equal configurations have
// equal keys on every machine.
std::string canonical_key(const ExperimentConfig& config);

// The configuration as a JSON object with the same fields (shape by name).
std::string to_json(const ExperimentConfig& config);

}  // namespace joulesweep::common
