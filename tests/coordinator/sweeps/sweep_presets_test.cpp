#include "joulesweep/coordinator/sweeps/sweep_presets.hpp"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/coordinator/sweeps/sweep_file.hpp"
#include "joulesweep/coordinator/sweeps/sweep_plan.hpp"

namespace joulesweep::coordinator {

TEST_CASE("sweep presets: BUTTER's eight sweeps and BUTTER-E's three CPU batches parse and plan",
          "[coordinator][sweep]") {
    const auto names = preset_names();
    REQUIRE(names.size() == 11);
    for (const auto name : names) {
        INFO(name);
        const auto text = preset_text(name);
        REQUIRE(text);
        const auto plan = plan_sweeps(parse_sweeps(*text, name));
        CHECK(plan.runs > 0);
    }
    CHECK_FALSE(preset_text("secondary"));
}

TEST_CASE(
    "sweep presets: primary is 13 datasets x 8 shapes x 14 depths x 21 sizes x 30 repetitions",
    "[coordinator][sweep]") {
    const auto plan = plan_sweeps(parse_sweeps(*preset_text("primary"), "primary"));
    CHECK(plan.points == std::int64_t{13} * 8 * 14 * 21);
    CHECK(plan.filtered == 0);
    CHECK(static_cast<std::int64_t>(plan.experiments.size()) + plan.skipped == plan.points);
    CHECK(plan.runs == static_cast<std::int64_t>(plan.experiments.size()) * 30);
}

TEST_CASE("sweep presets: the optimizer sweep has 5 optimizer variants, label noise 7 levels",
          "[coordinator][sweep]") {
    const auto optimizer = parse_sweeps(*preset_text("optimizer"), "optimizer");
    const auto optimizer_plan = plan_sweeps(optimizer);
    CHECK(optimizer_plan.filtered * 6 == optimizer_plan.points);  // adam at momentum 0.9 dropped
    const auto noise_plan = plan_sweeps(parse_sweeps(*preset_text("label_noise"), "label_noise"));
    CHECK(noise_plan.filtered * 10 == noise_plan.points * 3);  // 3 of 10 (lr, noise) pairs dropped
}

TEST_CASE("sweep presets: BUTTER-E's batches keep one batch order and cover the primary grid",
          "[coordinator][sweep]") {
    std::vector<SweepSpec> energy;
    for (const char* name :
         {"energy_2_cpu", "energy_3_cpu_extra_depths", "energy_4_cpu_extra_shapes"}) {
        for (SweepSpec& sweep : parse_sweeps(*preset_text(name), name)) {
            energy.push_back(std::move(sweep));
        }
    }
    const auto plan = plan_sweeps(energy);
    // 13 datasets x (5 shapes x 14 depths + 3 shapes x 14 depths) x 20 sizes, once each.
    CHECK(plan.points == std::int64_t{13} * 8 * 14 * 20);
    CHECK(plan.runs == static_cast<std::int64_t>(plan.experiments.size()));
    for (const PlannedExperiment& experiment : plan.experiments) {
        CHECK_FALSE(experiment.config.shuffle);
        CHECK(experiment.config.epochs == 3000);
        CHECK(experiment.config.batch_size == 256);
    }
}

}  // namespace joulesweep::coordinator
