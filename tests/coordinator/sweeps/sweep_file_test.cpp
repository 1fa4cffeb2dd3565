#include "joulesweep/coordinator/sweeps/sweep_file.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr const char* kMinimal = R"yaml(
label: pollen
repetitions: 3
priority: 7
grid:
  dataset: 529_pollen
  shape: [rectangle, trapezoid]
  depth: [2, 3]
  size: {powers_of_two: [7, 9]}
)yaml";

std::string error_of(const std::string& yaml) {
    try {
        parse_sweeps(yaml, "sweep.yaml");
    } catch (const common::ConfigError& error) {
        return error.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("parse_sweeps: a single sweep with scalars, lists, ranges and defaults",
          "[coordinator][sweep]") {
    const auto sweeps = parse_sweeps(kMinimal, "sweep.yaml");
    REQUIRE(sweeps.size() == 1);
    const SweepSpec& sweep = sweeps[0];
    CHECK(sweep.label == "pollen");
    CHECK(sweep.repetitions == 3);
    CHECK(sweep.priority == 7);
    using common::ExperimentConfig;
    CHECK(sweep.values<&ExperimentConfig::dataset>() == std::vector<std::string>{"529_pollen"});
    CHECK(sweep.values<&ExperimentConfig::shape>().size() == 2);
    CHECK(sweep.values<&ExperimentConfig::size>() == std::vector<std::int64_t>{128, 256, 512});
    // Every field the file does not name takes ExperimentConfig's default: BUTTER's
    // primary sweep point.
    CHECK(sweep.values<&ExperimentConfig::learning_rate>() == std::vector<double>{1e-4});
    CHECK(sweep.values<&ExperimentConfig::batch_size>() == std::vector<int>{256});
    CHECK(sweep.values<&ExperimentConfig::epochs>() == std::vector<int>{3000});
    CHECK(sweep.values<&ExperimentConfig::optimizer>() ==
          std::vector<common::OptimizerKind>{common::OptimizerKind::kAdam});
    CHECK(sweep.values<&ExperimentConfig::shuffle>() == std::vector<bool>{true});
}

TEST_CASE("parse_sweeps: a list of sweeps with filters", "[coordinator][sweep]") {
    const auto sweeps = parse_sweeps(R"yaml(
sweeps:
  - label: a
    grid: {dataset: mnist, shape: rectangle, depth: 3, size: 4096,
           learning_rate: [0.001, 1e-4], batch_size: [32, 256]}
    keep_if:
      - {learning_rate: 0.0001}
      - {batch_size: 256}
  - label: b
    grid: {dataset: adult, shape: rectangle, depth: 2, size: 1024,
           optimizer: [adam, sgd], momentum: [0, 0.9]}
    drop_if: [{optimizer: adam, momentum: 0.9}]
)yaml",
                                     "sweep.yaml");
    REQUIRE(sweeps.size() == 2);
    REQUIRE(sweeps[0].keep_if.size() == 2);
    CHECK(sweeps[0].keep_if[0].allowed.at("learning_rate") == std::vector<std::string>{"0.0001"});
    CHECK(sweeps[1].drop_if[0].allowed.at("optimizer") == std::vector<std::string>{"adam"});
}

TEST_CASE("parse_sweeps: each malformed file gets one error naming the field, value and place",
          "[coordinator][sweep]") {
    // Imported datasets, if other tests in this process registered some, follow BUTTER's 13.
    CHECK_THAT(error_of("label: x\ngrid: {dataset: nosuch, shape: rectangle, depth: 2, size: 64}"),
               Catch::StartsWith("sweep.yaml:2:17: grid.dataset: unknown dataset 'nosuch' (known: "
                                 "201_pol, 294_satellite_image, 505_tecator, 529_pollen, "
                                 "537_houses, adult, banana, connect_4, mnist, nursery, sleep, "
                                 "splice, wine_quality_white"));
    CHECK_THAT(
        error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: 64, "
                 "optimizer: adamw}"),
        Catch::Contains(
            "grid.optimizer: unknown optimizer 'adamw' (expected adam, adagrad, rmsprop or sgd)"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: oval, depth: 2, size: 64}"),
               Catch::Contains("grid.shape: unknown shape 'oval'"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: -5}"),
               Catch::Contains("sweep.yaml:2:58: grid.size: -5 is not a positive parameter count"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: 0}"),
               Catch::Contains("grid.size: 0 is not a positive parameter count"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: [], size: 64}"),
               Catch::Contains("grid.depth: the list is empty"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: 64, "
                        "learning_rate: fast}"),
               Catch::Contains("grid.learning_rate: 'fast' is not a finite number"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: 64, "
                        "batch_size: 0}"),
               Catch::Contains("grid.batch_size: 0 is out of range"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: 64, "
                        "learning_rat: 1}"),
               Catch::Contains("grid: unknown key 'learning_rat'"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2}"),
               Catch::Contains("grid.size: missing"));
    CHECK_THAT(error_of("grid: {dataset: adult, shape: rectangle, depth: 2, size: 64}"),
               Catch::Contains("label: missing"));
    CHECK_THAT(error_of("label: x\ngrid: [1, 2"),
               Catch::Contains("sweep.yaml:") && Catch::Contains("not valid YAML"));
    CHECK_THAT(error_of(""), Catch::Contains("the file is empty"));
    CHECK_THAT(error_of("label: x\nrepetitions: 2.5\ngrid: {dataset: adult, shape: rectangle, "
                        "depth: 2, size: 64}"),
               Catch::Contains("repetitions: '2.5' is not a whole number"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, size: "
                        "{powers_of_two: [9, 3]}}"),
               Catch::Contains("[9, 3] is an empty range"));
    // A key given twice is an error naming both lines, not "the last one wins".
    CHECK(error_of("label: x\ngrid:\n  dataset: adult\n  shape: rectangle\n  depth: 2\n"
                   "  size: 64\n  size: 128\n") ==
          "sweep.yaml:7:3: grid: 'size' is given twice, on lines 6 and 7; keep one");
    CHECK_THAT(error_of("label: x\nlabel: y\ngrid: {dataset: adult, shape: rectangle, depth: 2, "
                        "size: 64}"),
               Catch::Contains("sweep: 'label' is given twice, on lines 1 and 2"));
}

TEST_CASE("read_sweep_file: a missing file is a clear error", "[coordinator][sweep]") {
    CHECK_THROWS_WITH(read_sweep_file("/nonexistent/sweep.yaml"),
                      "cannot read sweep file /nonexistent/sweep.yaml");
}

TEST_CASE("parse_sweeps: shuffle takes YAML booleans, and backend is not an experiment field",
          "[coordinator][sweep]") {
    const auto sweeps = parse_sweeps(
        "label: e\ngrid: {dataset: banana, shape: rectangle, depth: 3, size: 64, "
        "shuffle: [false, true]}\ndrop_if:\n  - {shuffle: no}\n",
        "sweep.yaml");
    CHECK(sweeps.at(0).values<&common::ExperimentConfig::shuffle>() ==
          std::vector<bool>{false, true});
    CHECK(sweeps.at(0).drop_if.at(0).allowed.at("shuffle") == std::vector<std::string>{"false"});
    CHECK_THAT(error_of("label: e\ngrid: {dataset: banana, shape: rectangle, depth: 3, "
                        "size: 64, shuffle: sometimes}"),
               Catch::Contains("sweep.yaml:2:72: grid.shuffle: 'sometimes' is neither true nor "
                               "false"));
    CHECK_THAT(error_of("label: e\ngrid: {dataset: banana, shape: rectangle, depth: 3, "
                        "size: 64, backend: eigen}"),
               Catch::Contains("grid.backend: is not part of an experiment") &&
                   Catch::Contains("joulesweep run --backend NAME"));
    CHECK_THAT(error_of("label: e\ngrid: {dataset: banana, shape: rectangle, depth: 3, "
                        "size: 64}\ndrop_if:\n  - {backend: eigen}"),
               Catch::Contains("drop_if.backend: is not part of an experiment"));
}

}  // namespace joulesweep::coordinator

namespace joulesweep::coordinator {

TEST_CASE("parse_sweeps: a search block makes every point a search over its fields",
          "[coordinator][sweep]") {
    const auto sweeps = parse_sweeps(R"yaml(
label: find
repetitions: 3
grid: {dataset: connect_4, shape: rectangle, depth: [3, 4], epochs: 300, validation_fraction: 0.05}
search:
  target: [0.6, 0.5]
  ladder_factor: 4
  start_size: 64
  max_size: {powers_of_two: [16, 16]}
  failure: ["proportional(0.01,16)", full, cap(30), cost_cap(2)]
  monitored: test
)yaml",
                                     "s.yaml");
    REQUIRE(sweeps.size() == 1);
    const SweepSpec& spec = sweeps[0];
    using common::ExperimentConfig;
    CHECK(spec.values<&ExperimentConfig::kind>() ==
          std::vector<common::WorkKind>{common::WorkKind::kSearch});
    CHECK(spec.values<&ExperimentConfig::search_target>() == std::vector<double>{0.6, 0.5});
    CHECK(spec.values<&ExperimentConfig::search_ladder>() == std::vector<double>{4});
    CHECK(spec.values<&ExperimentConfig::size>() == std::vector<std::int64_t>{64});
    CHECK(spec.values<&ExperimentConfig::search_max_size>() == std::vector<std::int64_t>{65536});
    // One spelling per rule, whatever the file's: the experiment key depends on it.
    CHECK(spec.values<&ExperimentConfig::search_failure>() ==
          std::vector<std::string>{"proportional(0.01, 16)", "full", "cap(30)", "cost_cap(2)"});
    CHECK(spec.values<&ExperimentConfig::search_monitored>() ==
          std::vector<common::MonitoredSeries>{common::MonitoredSeries::kTest});

    const auto defaults = parse_sweeps(
        "label: d\ngrid: {dataset: adult, shape: rectangle, depth: 3, validation_fraction: 0.1}\n"
        "search: {target: 0.4}\n",
        "d.yaml");
    CHECK(defaults[0].values<&ExperimentConfig::size>() == std::vector<std::int64_t>{32});
    CHECK(defaults[0].values<&ExperimentConfig::search_failure>() ==
          std::vector<std::string>{"proportional(0.001, 16)"});
}

TEST_CASE("parse_sweeps: a malformed search block gets one error naming the key",
          "[coordinator][sweep]") {
    const std::string grid = "label: x\ngrid: {dataset: adult, shape: rectangle, depth: 3}\n";
    CHECK_THAT(error_of(grid + "search: {ladder_factor: 2}"),
               Catch::Contains("search.target: missing"));
    CHECK_THAT(error_of(grid + "search: {target: 0}"),
               Catch::Contains("search.target: 0 is out of range"));
    CHECK_THAT(error_of(grid + "search: {target: 0.5, ladder_factor: 1}"),
               Catch::Contains("search.ladder_factor: 1 is out of range"));
    CHECK_THAT(error_of(grid + "search: {target: 0.5, failure: sometimes}"),
               Catch::Contains("search.failure: failure rule 'sometimes': expected"));
    CHECK_THAT(error_of(grid + "search: {target: 0.5, failure: 'cap(0)'}"),
               Catch::Contains("cap takes (EPOCHS)"));
    CHECK_THAT(error_of(grid + "search: {target: 0.5, monitored: train}"),
               Catch::Contains("search.monitored: unknown monitored series 'train'"));
    CHECK_THAT(error_of(grid + "search: {target: 0.5, patience: 3}"),
               Catch::Contains("search: unknown key 'patience'"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 3, size: 64}\n"
                        "search: {target: 0.5}"),
               Catch::Contains("grid.size: a search's sizes come from search.start_size"));
    CHECK_THAT(error_of("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 3, size: 64, "
                        "search_target: 0.5}"),
               Catch::Contains("grid: unknown key 'search_target'"));
}

}  // namespace joulesweep::coordinator
