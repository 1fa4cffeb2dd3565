#include "joulesweep/common/size_search.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Feeds `losses` to a monitor (1 J per epoch) and returns how it ended and when.
std::pair<std::optional<AttemptOutcome>, int> monitor_run(const FailureRule& rule,
                                                          const std::vector<float>& losses,
                                                          double target = 0.0,
                                                          int cap = 1000,
                                                          std::optional<double> reference = {}) {
    AttemptMonitor monitor(rule, target, cap, reference);
    std::optional<AttemptOutcome> ended;
    for (std::size_t epoch = 0; epoch < losses.size() && !ended; ++epoch) {
        ended = monitor.after_epoch(losses[epoch], static_cast<double>(epoch + 1));
    }
    return {ended, monitor.epochs()};
}

// A stored grid: size -> (losses, joules per epoch); every run has 10 FLOPs per epoch.
struct Grid {
    std::map<std::int64_t, std::vector<float>> losses;
    std::map<std::int64_t, std::vector<float>> joules;
    std::map<std::int64_t, bool> diverged;

    std::optional<StoredAttempt> operator()(std::int64_t size) const {
        const auto found = losses.find(size);
        if (found == losses.end()) {
            return std::nullopt;
        }
        const std::vector<float>& per_epoch = joules.at(size);
        return StoredAttempt{RunHistory{found->second, per_epoch, per_epoch, 10.0},
                             diverged.contains(size) && diverged.at(size)};
    }
};

}  // namespace

TEST_CASE("failure rules parse from their text and print back", "[common][search]") {
    CHECK(parse_failure_rule("proportional(0.001, 16)").text() == "proportional(0.001, 16)");
    CHECK(parse_failure_rule("proportional(0.1,0)").patience == 0);
    CHECK(parse_failure_rule("full").kind == FailureKind::kFull);
    CHECK(parse_failure_rule("cap(300)").epoch_cap == 300);
    CHECK(parse_failure_rule("cost_cap(2)").cost_factor == 2.0);
    CHECK_THROWS_WITH(parse_failure_rule("patience(3)"),
                      Catch::Contains("expected proportional(DELTA, PATIENCE), full"));
    CHECK_THROWS_WITH(parse_failure_rule("proportional(0.1)"),
                      "failure rule 'proportional(0.1)': proportional takes (DELTA, PATIENCE)");
    CHECK_THROWS_WITH(parse_failure_rule("cap(2.5)"), Catch::Contains("whole number of epochs"));
    CHECK_THROWS_WITH(parse_failure_rule("cap(x)"), Catch::Contains("'x' is not a number"));
    CHECK_THROWS_WITH(parse_failure_rule("full(3)"), Catch::Contains("full takes no arguments"));
    CHECK_THROWS_WITH(parse_failure_rule("cost_cap(0.5)"), Catch::Contains("1 or more"));
}

TEST_CASE("proportional: gives up after P epochs in a row without a relative improvement",
          "[common][search]") {
    const FailureRule rule = parse_failure_rule("proportional(0.1, 2)");
    // 1.0 sets the reference; 0.95 is not 10% better (wait 1); 0.85 is (reset); then two
    // epochs short of 0.765 end it at epoch 5.
    CHECK(monitor_run(rule, {1.0F, 0.95F, 0.85F, 0.8F, 0.79F, 0.1F}) ==
          std::pair{std::optional{AttemptOutcome::kFailedTrigger}, 5});
    // Patience 0 gives up at the first epoch that does not improve, as Keras >= 2.12.
    CHECK(monitor_run(parse_failure_rule("proportional(0.1, 0)"), {1.0F, 0.5F, 0.49F}).second == 3);
}

TEST_CASE("every rule: the target is checked first, NaN diverges, the cap ends it",
          "[common][search]") {
    const FailureRule full = parse_failure_rule("full");
    CHECK(monitor_run(full, {1.0F, 0.6F, 0.5F}, 0.5) ==
          std::pair{std::optional{AttemptOutcome::kReached}, 3});
    CHECK(monitor_run(full, {1.0F, kNaN}, 0.5) ==
          std::pair{std::optional{AttemptOutcome::kDiverged}, 2});
    CHECK(monitor_run(full, {1.0F, 1.0F, 1.0F, 1.0F}, 0.5, 3) ==
          std::pair{std::optional{AttemptOutcome::kFailedCap}, 3});
    // cap(T) below the search's cap wins; above it, the search's cap does.
    CHECK(monitor_run(parse_failure_rule("cap(2)"), {1.0F, 0.9F, 0.8F}, 0.5, 3).second == 2);
    CHECK(monitor_run(parse_failure_rule("cap(9)"), {1.0F, 0.9F, 0.8F}, 0.5, 3).second == 3);
    // Reaching on the last allowed epoch is a success, not a cap.
    CHECK(monitor_run(full, {1.0F, 0.9F, 0.4F}, 0.5, 3).first == AttemptOutcome::kReached);
}

TEST_CASE("cost_cap: abandons once the attempt costs more than beta x the reference",
          "[common][search]") {
    const FailureRule rule = parse_failure_rule("cost_cap(2)");
    // 1 J per epoch against a reference of 2.5 J: over 5 J at epoch 6.
    CHECK(monitor_run(rule, std::vector<float>(10, 1.0F), 0.5, 1000, 2.5) ==
          std::pair{std::optional{AttemptOutcome::kFailedTrigger}, 6});
    // Without a reference it trains to the cap.
    CHECK(monitor_run(rule, std::vector<float>(10, 1.0F), 0.5, 8).first ==
          AttemptOutcome::kFailedCap);
}

TEST_CASE("size_ladder: powers of the factor from the start, up to the maximum",
          "[common][search]") {
    SearchSpec spec;
    spec.start_size = 32;
    spec.max_size = 512;
    CHECK(size_ladder(spec) == std::vector<std::int64_t>{32, 64, 128, 256, 512});
    spec.ladder_factor = 4;
    CHECK(size_ladder(spec) == std::vector<std::int64_t>{32, 128, 512});
    spec.ladder_factor = 1.5;
    spec.start_size = 1;
    spec.max_size = 4;
    CHECK(size_ladder(spec) == std::vector<std::int64_t>{1, 2, 3});  // 1, 1.5, 2.25, 3.375
    spec.ladder_factor = 1;
    CHECK_THROWS_AS(size_ladder(spec), ConfigError);
    spec.ladder_factor = 2;
    spec.start_size = 8;
    CHECK_THROWS_WITH(size_ladder(spec), Catch::Contains("at most the maximum size 4"));
}

TEST_CASE("replay_search: failed attempts count, a skipped size costs nothing",
          "[common][search]") {
    Grid grid;
    // 32 plateaus at 0.9 and gives up after 2 epochs without improvement; 64 is not in
    // the grid; 128 diverges; 256 reaches 0.5 at epoch 3; 512 would reach at epoch 1.
    grid.losses[32] = {1.0F, 0.9F, 0.9F, 0.9F, 0.9F};
    grid.joules[32] = {1.0F, 1.0F, 1.0F, 1.0F, 1.0F};
    grid.losses[128] = {0.8F, kNaN};
    grid.joules[128] = {4.0F, 4.0F};
    grid.diverged[128] = true;
    grid.losses[256] = {0.8F, 0.6F, 0.5F, 0.4F};
    grid.joules[256] = {8.0F, 8.0F, 8.0F, 8.0F};
    grid.losses[512] = {0.1F};
    grid.joules[512] = {16.0F};
    SearchSpec spec;
    spec.target = 0.5;
    spec.start_size = 32;
    spec.max_size = 1024;
    spec.epoch_cap = 100;
    spec.failure = parse_failure_rule("proportional(0.01, 2)");
    const SearchOutcome outcome = replay_search(spec, grid);
    REQUIRE(outcome.attempts.size() == 4);
    CHECK(outcome.attempts[0].outcome == AttemptOutcome::kFailedTrigger);
    CHECK(outcome.attempts[0].epochs == 4);
    CHECK(outcome.attempts[1].outcome == AttemptOutcome::kSkipped);
    CHECK(outcome.attempts[1].net_j == 0.0);
    CHECK(outcome.attempts[2].outcome == AttemptOutcome::kDiverged);
    CHECK(outcome.attempts[3].outcome == AttemptOutcome::kReached);
    CHECK(outcome.attempts[3].epochs == 3);
    CHECK(outcome.size_found == 256);
    CHECK(outcome.net_j == 4.0 + 8.0 + 24.0);
    CHECK(outcome.epochs == 4 + 2 + 3);
    CHECK(outcome.flops == 10.0 * (4 + 2 + 3));
}

TEST_CASE("replay_search: a ladder exhausted without reaching finds nothing, cost spent",
          "[common][search]") {
    Grid grid;
    grid.losses[32] = {1.0F, 0.9F};  // stored for 2 epochs only: ends as at a cap
    grid.joules[32] = {1.0F, 1.0F};
    SearchSpec spec;
    spec.target = 0.1;
    spec.start_size = 32;
    spec.max_size = 64;
    spec.failure = parse_failure_rule("full");
    const SearchOutcome outcome = replay_search(spec, grid);
    CHECK_FALSE(outcome.size_found);
    REQUIRE(outcome.attempts.size() == 2);
    CHECK(outcome.attempts[0].outcome == AttemptOutcome::kFailedCap);
    CHECK(outcome.attempts[1].outcome == AttemptOutcome::kSkipped);
    CHECK(outcome.net_j == 2.0);
}

}  // namespace joulesweep::common
