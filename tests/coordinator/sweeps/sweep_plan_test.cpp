#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

TEST_CASE("plan_sweeps: expands the product, skips unbuildable points and counts work",
          "[coordinator][sweep]") {
    const auto plan = plan_sweeps(parse_sweeps(R"yaml(
label: m
repetitions: 2
grid: {dataset: mnist, shape: rectangle, depth: 2, size: [512, 2048, 4096], epochs: 10}
)yaml",
                                               "s.yaml"));
    CHECK(plan.points == 3);
    CHECK(plan.skipped == 1);  // 512 parameters cannot serve 784 inputs and 10 outputs
    CHECK(plan.experiments.size() == 2);
    CHECK(plan.runs == 4);
    REQUIRE(plan.datasets.size() == 1);
    CHECK(plan.datasets[0].dataset == "mnist");
    CHECK(plan.datasets[0].skipped == 1);
    const auto& first = plan.experiments[0];
    CHECK(first.topology.widths == std::vector<std::int64_t>{3, 10});
    CHECK(plan.work ==
          Approx((2395.0 + static_cast<double>(plan.experiments[1].topology.parameter_count)) * 10 *
                 70000 * 0.8 * 2));
}

TEST_CASE("plan_sweeps: keep_if is a cross, not a grid (BUTTER's lr x batch sweep)",
          "[coordinator][sweep]") {
    const auto plan = plan_sweeps(parse_sweeps(R"yaml(
label: cross
grid: {dataset: 529_pollen, shape: rectangle, depth: 3, size: 1024,
       learning_rate: [0.001, 0.0001], batch_size: [32, 256]}
keep_if: [{learning_rate: 1e-4}, {batch_size: 256}]
)yaml",
                                               "s.yaml"));
    CHECK(plan.points == 4);
    CHECK(plan.filtered == 1);  // lr 1e-3 with batch 32
    CHECK(plan.experiments.size() == 3);
}

TEST_CASE("plan_sweeps: the same configuration in two sweeps is one experiment with both labels",
          "[coordinator][sweep]") {
    const auto plan = plan_sweeps(parse_sweeps(R"yaml(
sweeps:
  - {label: a, repetitions: 2, priority: 1, grid: {dataset: banana, shape: rectangle, depth: 2, size: 64}}
  - {label: b, repetitions: 5, priority: 0, grid: {dataset: banana, shape: rectangle, depth: 2, size: 64}}
)yaml",
                                               "s.yaml"));
    REQUIRE(plan.experiments.size() == 1);
    CHECK(plan.experiments[0].labels == std::vector<std::string>{"a", "b"});
    CHECK(plan.experiments[0].repetitions == 5);
    CHECK(plan.experiments[0].priority == 1);
    CHECK(plan.runs == 5);
}

TEST_CASE("plan_sweeps: impossible points and empty products are errors", "[coordinator][sweep]") {
    CHECK_THROWS_WITH(
        plan_sweeps(parse_sweeps("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, "
                                 "size: 64, momentum: 0.9}",
                                 "s.yaml")),
        Catch::Contains("sweep 'x': momentum 0.9 does not apply to adam"));
    CHECK_THROWS_WITH(
        plan_sweeps(parse_sweeps("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, "
                                 "size: 64, test_fraction: 0.6, validation_fraction: 0.5}",
                                 "s.yaml")),
        Catch::Contains("leaves no training data"));
    CHECK_THROWS_WITH(
        plan_sweeps(parse_sweeps("label: x\ngrid: {dataset: adult, shape: rectangle, depth: 2, "
                                 "size: 64}\nkeep_if: [{dataset: mnist}]",
                                 "s.yaml")),
        Catch::Contains("sweep 'x': every point was filtered out"));
    // Nothing buildable is the same error class as nothing kept: exit 2, nothing enqueued.
    CHECK_THROWS_AS(
        plan_sweeps(parse_sweeps("label: x\ngrid: {dataset: mnist, shape: rectangle, depth: 2, "
                                 "size: [64, 512]}",
                                 "s.yaml")),
        common::ConfigError);
    CHECK_THROWS_WITH(
        plan_sweeps(parse_sweeps("label: x\ngrid: {dataset: mnist, shape: rectangle, depth: 2, "
                                 "size: [64, 512]}",
                                 "s.yaml")),
        Catch::Contains("sweep 'x': none of its 2 points can be built within 20% of its size"));
}

}  // namespace joulesweep::coordinator

namespace joulesweep::coordinator {

TEST_CASE("plan_sweeps: a search is planned over its ladder, skipped only if it builds no size",
          "[coordinator][sweep]") {
    const auto plan = plan_sweeps(parse_sweeps(R"yaml(
label: s
repetitions: 2
grid: {dataset: mnist, shape: rectangle, depth: 2, epochs: 10, validation_fraction: 0.05}
search: {target: [0.3, 0.2], start_size: 512, max_size: 4096}
)yaml",
                                               "s.yaml"));
    CHECK(plan.points == 2);
    CHECK(plan.skipped == 0);
    REQUIRE(plan.experiments.size() == 2);
    const PlannedExperiment& first = plan.experiments[0];
    CHECK(first.config.kind == common::WorkKind::kSearch);
    CHECK(first.key.find(";kind=search;") != std::string::npos);
    CHECK(first.key.find(";search_target=0.3;") != std::string::npos);
    // 512 and 1024 cannot be built for mnist (784 inputs, 10 outputs); 2048 and 4096 can:
    // the first of them is the planned network, and the work counts both to the epoch cap.
    CHECK(first.topology.parameter_count == 2395);
    CHECK(first.parameters_trained > 2395 + 4096 * 8 / 10);
    CHECK(first.parameters_trained < 2395 + 4096 * 12 / 10);
    CHECK(plan.work ==
          Approx(static_cast<double>(first.parameters_trained) * 10 * 70000 * 0.75 * 2 * 2));

    CHECK_THROWS_WITH(plan_sweeps(parse_sweeps(R"yaml(
label: none
grid: {dataset: mnist, shape: rectangle, depth: 2, validation_fraction: 0.05}
search: {target: 0.3, start_size: 32, max_size: 512}
)yaml",
                                               "n.yaml")),
                      Catch::Contains("none of its 1 points can be built"));
    CHECK_THROWS_WITH(plan_sweeps(parse_sweeps(R"yaml(
label: unmonitored
grid: {dataset: mnist, shape: rectangle, depth: 2}
search: {target: 0.3}
)yaml",
                                               "u.yaml")),
                      Catch::Contains("search_monitored: validation needs validation_fraction"));
}

}  // namespace joulesweep::coordinator
