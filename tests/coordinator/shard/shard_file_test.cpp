#include "joulesweep/coordinator/shard/shard_file.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "every_field.hpp"
#include "sample_energy.hpp"
#include "temporary_directory.hpp"

namespace joulesweep::coordinator {
namespace {

ShardRun sample_run(std::int64_t run_id, int epochs) {
    ShardRun run;
    run.run_id = run_id;
    run.experiment_id = run_id * 10;
    run.repetition = static_cast<int>(run_id % 3);
    run.attempt = 2;
    run.config = testing::every_run_field_set();  // a field the shard forgets shows up
    run.config.epochs = epochs;
    run.result.seed = run_id + 1000;
    run.result.host = "node7";
    run.result.widths = {20, static_cast<std::int64_t>(run_id), 1};
    run.result.parameter_count = 501;
    run.result.flops_per_epoch = 2.5e6 * static_cast<double>(run_id);
    run.result.backend = run_id % 2 == 0 ? common::Backend::kOnednn : common::Backend::kEigen;
    run.result.threads = run_id;
    run.result.diverged = run_id == 2;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        run.result.epoch_wall_s.push_back(0.1F * static_cast<float>(epoch + 1));
        for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
            run.result.statistics.at(index).push_back(static_cast<float>(run_id * 100) +
                                                      static_cast<float>(index) +
                                                      static_cast<float>(epoch) / 8);
        }
    }
    if (run_id == 2) {  // run 2 had no validation rows either
        for (std::size_t index = common::kValidationOffset; index < common::kStatisticCount;
             ++index) {
            run.result.statistics.at(index).clear();
        }
    }
    if (run_id != 2) {  // run 2 was measured without energy
        run.result.energy = testing::sample_energy(static_cast<std::size_t>(epochs));
        run.result.energy->domains.resize(run_id == 3 ? 1 : 2);  // one domain for run 3
        run.result.energy->gross_j.resize(run.result.energy->domains.size());
        run.result.energy->net_j.resize(run.result.energy->domains.size());
        run.result.energy->idle_w.resize(run.result.energy->domains.size());
        run.result.energy->unit_j.resize(run.result.energy->domains.size());
        if (run_id == 3) {  // and no wall meter
            run.result.energy->wall_source.clear();
            run.result.energy->rest_of_node_j.clear();
        }
    }
    return run;
}

}  // namespace

TEST_CASE("ShardWriter: batches read back run by run, with identity and every series",
          "[coordinator][shard]") {
    const testing::TemporaryDirectory directory;
    const auto path = choose_shard_path(directory.path(), "4242");
    CHECK(path.filename() == "4242.h5");
    const ShardIdentity identity{"4242", 17, "login1", std::string("4242"), R"({"a": "1"})"};
    {
        ShardWriter writer(path, identity);
        writer.append({sample_run(1, 3), sample_run(2, 1)});
        writer.append({});
        writer.append({sample_run(3, 4)});
        CHECK(writer.run_count() == 3);
        // Readable while the writer still has it open.
        CHECK(read_shard(path).runs.size() == 3);
    }
    const ShardContents contents = read_shard(path);
    CHECK(contents.identity.coordinator_id == 17);
    CHECK(contents.identity.slurm_job_id == std::optional<std::string>("4242"));
    REQUIRE(contents.runs.size() == 3);
    for (std::size_t index = 0; index < 3; ++index) {
        constexpr std::array<int, 3> kEpochs{3, 1, 4};
        const ShardRun expected =
            sample_run(static_cast<std::int64_t>(index + 1), kEpochs.at(index));
        const ShardRun& got = contents.runs[index];
        CHECK(got.run_id == expected.run_id);
        CHECK(got.experiment_id == expected.experiment_id);
        CHECK(got.attempt == 2);
        CHECK(got.config == expected.config);
        CHECK(got.result.widths == expected.result.widths);
        CHECK(got.result.backend == expected.result.backend);
        CHECK(got.result.threads == expected.result.threads);
        CHECK(got.result.flops_per_epoch == expected.result.flops_per_epoch);
        CHECK(got.result.diverged == expected.result.diverged);
        CHECK(got.result.epoch_wall_s == expected.result.epoch_wall_s);
        CHECK(got.result.statistics == expected.result.statistics);
        CHECK(got.result.software_json == identity.software_json);
        REQUIRE(got.result.energy.has_value() == expected.result.energy.has_value());
        if (expected.result.energy) {
            const common::RunEnergy& energy = *got.result.energy;
            CHECK(energy.source == expected.result.energy->source);
            CHECK(energy.attribution == expected.result.energy->attribution);
            CHECK(energy.domains == expected.result.energy->domains);
            CHECK(energy.idle_w == expected.result.energy->idle_w);
            CHECK(energy.gross_j == expected.result.energy->gross_j);
            CHECK(energy.net_j == expected.result.energy->net_j);
            CHECK(energy.share == expected.result.energy->share);
            CHECK(energy.wall_source == expected.result.energy->wall_source);
            CHECK(testing::same_series(energy.rest_of_node_j,
                                       expected.result.energy->rest_of_node_j));
            CHECK(energy.samples == expected.result.energy->samples);
            CHECK(energy.flags == expected.result.energy->flags);
        }
    }
    // A second coordinator of the same (requeued) job never appends to this file.
    CHECK(choose_shard_path(directory.path(), "4242").filename() == "4242.1.h5");
    CHECK_THROWS_AS(ShardWriter(path, identity), common::StorageError);
}

TEST_CASE("read_shard: a file that is not a shard is refused by name", "[coordinator][shard]") {
    const testing::TemporaryDirectory directory;
    const auto path = directory.path() / "not.h5";
    std::ofstream(path) << "plain text";
    CHECK_THROWS_WITH(read_shard(path), Catch::Contains(path.string()));
    CHECK_THROWS_WITH(read_shard(directory.path() / "missing.h5"),
                      Catch::Contains("does not exist"));
}

}  // namespace joulesweep::coordinator
