#include "joulesweep/worker/model/search_trainer.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/size_search.hpp"

#include "sample_datasets.hpp"

namespace joulesweep::worker {
namespace {

constexpr std::int64_t kSeed = 11;

// A search on banana from 4 parameters (too few for a 3-layer network: skipped) up to
// 128, 12 epochs per attempt at most, watching the validation loss.
common::ExperimentConfig search_config(const char* failure) {
    common::ExperimentConfig config;
    config.dataset = "banana";
    config.depth = 3;
    config.size = 4;
    config.learning_rate = 1e-2;
    config.batch_size = 64;
    config.epochs = 12;
    config.validation_fraction = 0.1;
    config.kind = common::WorkKind::kSearch;
    config.search_target = 1.0;  // set per test
    config.search_max_size = 128;
    config.search_failure = failure;
    return config;
}

TrainingOptions eigen_options(const common::AttemptRecord& /*attempt*/) {
    TrainingOptions options;
    options.backend = common::Backend::kEigen;
    return options;
}

struct Attempt {
    common::AttemptRecord record;
    common::RunResult result;
    bool final = false;
};

std::vector<Attempt> search(const common::ExperimentConfig& config, int first_attempt = 0) {
    std::vector<Attempt> attempts;
    SearchHooks hooks;
    hooks.options_for = eigen_options;
    hooks.on_attempt = [&](common::AttemptRecord record, common::RunResult result, bool final) {
        attempts.push_back(Attempt{record, std::move(result), final});
    };
    train_search(config, testing::learnable_banana(), kSeed, first_attempt, std::nullopt, hooks);
    return attempts;
}

// Each size of the ladder trained as a fixed-size run to the cap, with its attempt's seed:
// the static grid a replay reads.
std::map<std::int64_t, common::RunResult> static_grid(const common::ExperimentConfig& config) {
    std::map<std::int64_t, common::RunResult> runs;
    const auto ladder = common::size_ladder(common::search_spec_of(config));
    for (std::size_t attempt = 0; attempt < ladder.size(); ++attempt) {
        const common::ExperimentConfig run = attempt_config(config, ladder[attempt]);
        const auto topology = common::search_topology(run.shape, run.depth, run.size, 2, 1);
        if (topology.is_buildable()) {
            runs.emplace(ladder[attempt],
                         train_run(run,
                                   testing::learnable_banana(),
                                   static_cast<std::uint64_t>(
                                       common::attempt_seed(kSeed, static_cast<int>(attempt))),
                                   eigen_options({})));
        }
    }
    return runs;
}

double best_validation_loss(const common::RunResult& run) {
    double best = common::kUnreached;
    for (const float loss : run.statistics.at(common::kValidationOffset)) {
        best = std::min(best, static_cast<double>(loss));
    }
    return best;
}

}  // namespace

TEST_CASE("train_search: sizes in turn from fresh weights, skipping what cannot be built",
          "[worker][model][search]") {
    common::ExperimentConfig config = search_config("full");
    const auto grid = static_grid(config);
    REQUIRE(grid.size() == 5);  // 8, 16, 32, 64, 128 (4 cannot be built)
    // A target the third buildable size (32) reaches within the cap.
    config.search_target = best_validation_loss(grid.at(32));
    const std::vector<Attempt> attempts = search(config);
    REQUIRE(attempts.size() >= 2);
    CHECK(attempts[0].record.size == 4);
    CHECK(attempts[0].record.outcome == common::AttemptOutcome::kSkipped);
    CHECK(attempts[0].result.epoch_wall_s.empty());
    CHECK_FALSE(attempts[0].final);
    const Attempt& last = attempts.back();
    CHECK(last.final);
    CHECK(last.record.outcome == common::AttemptOutcome::kReached);
    CHECK(last.record.size <= 32);
    CHECK(last.record.best_loss <= config.search_target);
    for (std::size_t index = 1; index + 1 < attempts.size(); ++index) {
        const Attempt& failed = attempts[index];
        CHECK_FALSE(failed.final);
        CHECK(failed.record.attempt == static_cast<int>(index));
        // `full` gives up only at the cap
        CHECK(failed.record.outcome == common::AttemptOutcome::kFailedCap);
        CHECK(failed.record.epochs == 12);
        CHECK(failed.result.seed == common::attempt_seed(kSeed, static_cast<int>(index)));
        CHECK(failed.record.flops == Approx(12 * failed.result.flops_per_epoch));
    }
}

TEST_CASE("train_search: the live search and its replay on the same runs agree",
          "[worker][model][search]") {
    for (const char* failure : {"full", "proportional(0.01, 2)", "cap(5)"}) {
        INFO(failure);
        common::ExperimentConfig config = search_config(failure);
        const auto grid = static_grid(config);
        config.search_target = best_validation_loss(grid.at(64));
        const std::vector<Attempt> live = search(config);

        std::vector<std::vector<float>> zeros;
        const common::SearchOutcome replayed = common::replay_search(
            common::search_spec_of(config),
            [&](std::int64_t size) -> std::optional<common::StoredAttempt> {
                const auto found = grid.find(size);
                if (found == grid.end()) {
                    return std::nullopt;
                }
                const common::RunResult& run = found->second;
                zeros.emplace_back(run.epoch_wall_s.size(), 0.0F);
                return common::StoredAttempt{
                    common::RunHistory{run.statistics.at(common::kValidationOffset),
                                       zeros.back(),
                                       zeros.back(),
                                       run.flops_per_epoch},
                    run.diverged};
            });
        REQUIRE(replayed.attempts.size() == live.size());
        for (std::size_t index = 0; index < live.size(); ++index) {
            INFO("attempt " << index);
            CHECK(live[index].record.size == replayed.attempts[index].size);
            CHECK(live[index].record.outcome == replayed.attempts[index].outcome);
            CHECK(live[index].record.epochs == replayed.attempts[index].epochs);
            CHECK(live[index].record.best_loss == replayed.attempts[index].best_loss);
        }
        const bool reached = live.back().record.outcome == common::AttemptOutcome::kReached;
        CHECK(reached == replayed.size_found.has_value());
        if (reached) {
            CHECK(live.back().record.size == *replayed.size_found);
        }
    }
}

TEST_CASE("train_search: a resumed search trains the same attempts from where it stopped",
          "[worker][model][search]") {
    common::ExperimentConfig config = search_config("cap(4)");
    config.search_target = 1e-6;  // unreachable: every attempt runs
    const std::vector<Attempt> whole = search(config);
    REQUIRE(whole.size() == 6);
    CHECK(whole.back().final);
    CHECK(whole.back().record.outcome == common::AttemptOutcome::kFailedCap);
    CHECK(whole.back().record.epochs == 4);
    const std::vector<Attempt> resumed = search(config, 3);
    REQUIRE(resumed.size() == 3);
    for (std::size_t index = 0; index < resumed.size(); ++index) {
        const Attempt& again = resumed[index];
        const Attempt& before = whole[index + 3];
        CHECK(again.record.attempt == before.record.attempt);
        CHECK(again.record.size == before.record.size);
        CHECK(again.result.statistics == before.result.statistics);
    }
    CHECK_THROWS_AS(search(config, 6), common::InternalError);
}

}  // namespace joulesweep::worker
