#include "joulesweep/common/experiment_config.hpp"

#include <map>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "joulesweep/common/protocol.hpp"

#include "every_field.hpp"

namespace joulesweep::common {

TEST_CASE("canonical_key: names every field, in order, numbers in shortest form",
          "[common][experiment]") {
    ExperimentConfig config;
    config.dataset = "529_pollen";
    config.depth = 3;
    config.size = 1024;
    CHECK(canonical_key(config) ==
          "batch_size=256;dataset=529_pollen;depth=3;epochs=3000;l1=0;l2=0;label_noise=0;"
          "learning_rate=0.0001;momentum=0;optimizer=adam;shape=rectangle;shuffle=true;size=1024;"
          "test_fraction=0.2;validation_fraction=0");
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

namespace joulesweep::common {

TEST_CASE("every experiment field round-trips through its text, the key, JSON and the wire",
          "[common][experiment]") {
    const ExperimentConfig config = testing::every_field_set();
    validate(config);
    // Every field differs from its default, so a field an encoding forgets shows up.
    visit_experiment_fields(config, [](std::string_view name, const auto& value) {
        INFO(name);
        ExperimentConfig defaults;
        visit_experiment_fields(defaults, [&](std::string_view other, const auto& default_value) {
            if constexpr (std::is_same_v<decltype(value), decltype(default_value)>) {
                if (other == name) {
                    CHECK(value != default_value);
                }
            }
        });
    });

    // The canonical key is "field=value;...": reading each value back gives the config.
    std::map<std::string, std::string, std::less<>> key_fields;
    std::istringstream key(canonical_key(config));
    for (std::string pair; std::getline(key, pair, ';');) {
        key_fields.emplace(pair.substr(0, pair.find('=')), pair.substr(pair.find('=') + 1));
    }
    CHECK(key_fields.size() == experiment_field_names().size());
    CHECK(config_from_texts([&](std::string_view name) {
              return std::string_view(key_fields.at(std::string(name)));
          }) == config);

    const auto json = nlohmann::json::parse(to_json(config));
    CHECK(json.size() == experiment_field_names().size());
    CHECK(config_from_texts([&](std::string_view name) {
              const auto& value = json.at(std::string(name));
              static thread_local std::string text;
              text = value.is_string() ? value.get<std::string>() : value.dump();
              return std::string_view(text);
          }) == config);

    RunAssignment sent{12, 2, 99, config};
    CHECK(decode_assignment(encode(sent)).config == config);
}

TEST_CASE("validate: the first problem, named by its field", "[common][experiment]") {
    ExperimentConfig config = testing::every_field_set();
    CHECK_FALSE(find_problem(config));
    config.depth = 1;
    CHECK_THROWS_WITH(validate(config), "depth: 1 is outside 2..1000");
    config = testing::every_field_set();
    config.size = -5;
    CHECK_THROWS_WITH(validate(config), "size: -5 is not a positive size");
    config = testing::every_field_set();
    config.optimizer = OptimizerKind::kAdam;
    CHECK_THROWS_WITH(validate(config), "momentum: 0.0625 does not apply to adam");
    config = testing::every_field_set();
    config.test_fraction = 0.5;
    config.validation_fraction = 0.5;
    CHECK_THROWS_WITH(validate(config),
                      "validation_fraction: test_fraction 0.5 plus validation_fraction 0.5 "
                      "leaves no training data");
    config = testing::every_field_set();
    config.label_noise = 1;
    CHECK(find_problem(config)->field == "label_noise");
}

TEST_CASE("parse_field_text: clear errors naming the field", "[common][experiment]") {
    int depth = 0;
    CHECK_THROWS_WITH(parse_field_text("depth", "3x", depth), "depth: '3x' is not a number");
    OptimizerKind optimizer = OptimizerKind::kAdam;
    CHECK_THROWS_WITH(
        parse_field_text("optimizer", "nadam", optimizer),
        "optimizer: unknown optimizer 'nadam' (expected adam, adagrad, rmsprop or sgd)");
    parse_field_text("optimizer", "sgd", optimizer);
    CHECK(optimizer == OptimizerKind::kSgd);
    bool shuffle = true;
    parse_field_text("shuffle", "f", shuffle);  // PostgreSQL's text for false
    CHECK_FALSE(shuffle);
    parse_field_text("shuffle", "true", shuffle);
    CHECK(shuffle);
    CHECK_THROWS_WITH(parse_field_text("shuffle", "1", shuffle),
                      "shuffle: '1' is neither true nor false");
}

}  // namespace joulesweep::common
