#include "joulesweep/common/experiment_config.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace joulesweep::common {

TEST_CASE("canonical_key: names every field, in order, numbers in shortest form",
          "[common][experiment]") {
    ExperimentConfig config;
    config.dataset = "529_pollen";
    config.depth = 3;
    config.size = 1024;
    CHECK(canonical_key(config) ==
          "backend=auto;batch_size=256;dataset=529_pollen;depth=3;epochs=3000;l1=0;l2=0;label_"
          "noise=0;"
          "learning_rate=0.0001;momentum=0;optimizer=adam;shape=rectangle;size=1024;test_fraction="
          "0.2;"
          "validation_fraction=0");
}

TEST_CASE("canonical_key: equal configurations are equal, any change makes a new key",
          "[common][experiment]") {
    ExperimentConfig first;
    first.dataset = "mnist";
    ExperimentConfig second = first;
    second.learning_rate = 0.0001;  // the same number written differently
    CHECK(canonical_key(first) == canonical_key(second));
    second.l2 = 7.8125e-5;
    CHECK(canonical_key(first) != canonical_key(second));
    ExperimentConfig shaped = first;
    shaped.shape = Shape::kWideFirst2x;
    CHECK(canonical_key(first) != canonical_key(shaped));
}

TEST_CASE("to_json: the same fields as the key, readable by any JSON parser",
          "[common][experiment]") {
    ExperimentConfig config;
    config.dataset = "adult";
    config.shape = Shape::kRectangleResidual;
    const auto json = nlohmann::json::parse(to_json(config));
    CHECK(json.at("dataset") == "adult");
    CHECK(json.at("shape") == "rectangle_residual");
    CHECK(json.at("learning_rate").get<double>() == 1e-4);
    CHECK(json.size() == 15);
}

}  // namespace joulesweep::common
