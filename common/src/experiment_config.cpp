#include "joulesweep/common/experiment_config.hpp"

#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace joulesweep::common {

std::string canonical_key(const ExperimentConfig& config) {
    // Field names in alphabetical order; fmt's "{}" prints doubles in their shortest
    // round-trip form, so 1e-4 and 0.0001 give the same key.
    return fmt::format(
        "backend={};batch_size={};dataset={};depth={};epochs={};l1={};l2={};label_noise={};"
        "learning_rate={};momentum={};optimizer={};shape={};size={};test_fraction={};"
        "validation_fraction={}",
        config.backend,
        config.batch_size,
        config.dataset,
        config.depth,
        config.epochs,
        config.l1,
        config.l2,
        config.label_noise,
        config.learning_rate,
        config.momentum,
        config.optimizer,
        to_text(config.shape),
        config.size,
        config.test_fraction,
        config.validation_fraction);
}

std::string to_json(const ExperimentConfig& config) {
    const nlohmann::json json{
        {"backend", config.backend},
        {"batch_size", config.batch_size},
        {"dataset", config.dataset},
        {"depth", config.depth},
        {"epochs", config.epochs},
        {"l1", config.l1},
        {"l2", config.l2},
        {"label_noise", config.label_noise},
        {"learning_rate", config.learning_rate},
        {"momentum", config.momentum},
        {"optimizer", config.optimizer},
        {"shape", std::string(to_text(config.shape))},
        {"size", config.size},
        {"test_fraction", config.test_fraction},
        {"validation_fraction", config.validation_fraction},
    };
    return json.dump();
}

}  // namespace joulesweep::common
