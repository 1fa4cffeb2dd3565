#include "joulesweep/common/protocol.hpp"

#include <cstddef>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "sample_energy.hpp"

namespace joulesweep::common {

TEST_CASE("protocol: an assignment survives encoding with every configuration field",
          "[common][protocol]") {
    RunAssignment sent;
    sent.run_id = 123456789012;
    sent.attempt = 3;
    sent.seed = -42;
    sent.config.dataset = "529_pollen";
    sent.config.shape = Shape::kWideFirst8x;
    sent.config.depth = 7;
    sent.config.size = 1 << 20;
    sent.config.learning_rate = 1e-4;
    sent.config.batch_size = 32;
    sent.config.optimizer = OptimizerKind::kRmsprop;
    sent.config.momentum = 0.9;
    sent.config.l1 = 1e-3;
    sent.config.l2 = 0.25;
    sent.config.label_noise = 0.1;
    sent.config.epochs = 3000;
    sent.config.test_fraction = 0.3;
    sent.config.validation_fraction = 0.1;
    sent.config.shuffle = false;
    const RunAssignment received = decode_assignment(encode(sent));
    CHECK(received.run_id == sent.run_id);
    CHECK(received.attempt == sent.attempt);
    CHECK(received.seed == sent.seed);
    CHECK(canonical_key(received.config) == canonical_key(sent.config));
}

TEST_CASE("protocol: a result keeps its series, provenance and optional job id",
          "[common][protocol]") {
    RunOutcome sent;
    sent.run_id = 9;
    sent.attempt = 1;
    sent.result.seed = 77;
    sent.result.host = "node17";
    sent.result.software_json = R"({"joulesweep": "0.1.0"})";
    sent.result.backend = Backend::kOnednn;
    sent.result.threads = 4;
    sent.result.widths = {20, 20, 1};
    sent.result.parameter_count = 501;
    sent.result.flops_per_epoch = 1.25e9;
    sent.result.diverged = true;
    sent.result.epoch_wall_s = {0.5F, 0.25F};
    for (std::size_t index = 0; index < kStatisticCount; ++index) {
        sent.result.statistics.at(index) = {static_cast<float>(index), 1.5F};
    }
    RunOutcome received = decode_outcome(encode(sent));
    CHECK(received.run_id == 9);
    CHECK(received.result.host == "node17");
    CHECK_FALSE(received.result.slurm_job_id.has_value());
    CHECK(received.result.widths == sent.result.widths);
    CHECK(received.result.backend == Backend::kOnednn);
    CHECK(received.result.threads == 4);
    CHECK(received.result.flops_per_epoch == 1.25e9);
    CHECK(received.result.diverged);
    CHECK(received.result.statistics == sent.result.statistics);

    CHECK_FALSE(received.result.energy.has_value());

    // Without validation rows the validation series are empty, and stay so.
    sent.result.statistics.at(kValidationOffset).clear();
    CHECK(decode_outcome(encode(sent)).result.statistics == sent.result.statistics);
    sent.result.statistics.at(kTestLossIndex).clear();  // but the test loss may not be
    CHECK_THROWS_WITH(decode_outcome(encode(sent)),
                      Catch::Contains("test_loss has 0 values for 2 epochs"));
    sent.result.statistics.at(kTestLossIndex) = {1.0F, 2.0F};
    sent.result.statistics.at(kValidationOffset) = {1.0F, 2.0F};

    sent.result.slurm_job_id = "4242";
    received = decode_outcome(encode(sent));
    REQUIRE(received.result.slurm_job_id.has_value());
    CHECK(*received.result.slurm_job_id == "4242");
}

TEST_CASE("protocol: a result's energy round-trips, a series of the wrong length is refused",
          "[common][protocol]") {
    RunOutcome sent;
    sent.result.epoch_wall_s = {0.5F, 0.25F, 0.125F};
    for (auto& series : sent.result.statistics) {
        series.assign(3, 1.0F);
    }
    sent.result.energy = testing::sample_energy(3);
    const RunOutcome received = decode_outcome(encode(sent));
    REQUIRE(received.result.energy.has_value());
    const RunEnergy& got = *received.result.energy;
    const RunEnergy& expected = *sent.result.energy;
    CHECK(got.source == expected.source);
    CHECK(got.attribution == expected.attribution);
    CHECK(got.domains == expected.domains);
    CHECK(got.idle_w == expected.idle_w);
    CHECK(got.unit_j == expected.unit_j);
    CHECK(got.gross_j == expected.gross_j);
    CHECK(got.net_j == expected.net_j);
    CHECK(got.share == expected.share);
    CHECK(got.train_rows == 640);
    CHECK(got.samples == 42);
    CHECK(got.largest_gap_s == 0.125);
    CHECK(got.period_s == 0.1);
    CHECK(got.wraps == 1);
    CHECK(got.flags == expected.flags);
    CHECK(got.node_type == expected.node_type);
    CHECK(got.wall_source == "ipmi_dcmi");
    CHECK(testing::same_series(got.rest_of_node_j, expected.rest_of_node_j));

    sent.result.energy->rest_of_node_j.pop_back();
    CHECK_THROWS_WITH(decode_outcome(encode(sent)),
                      Catch::Contains("energy_rest_of_node_j has 2 values for 3 epochs"));
    sent.result.energy->wall_source.clear();  // a series without its source
    CHECK_THROWS_WITH(decode_outcome(encode(sent)),
                      Catch::Contains("energy_rest_of_node_j without a wall source"));
    sent.result.energy->rest_of_node_j.clear();
    CHECK(decode_outcome(encode(sent)).result.energy->wall_source.empty());

    sent.result.energy->net_j[1].pop_back();
    CHECK_THROWS_WITH(decode_outcome(encode(sent)),
                      Catch::Contains("energy_net_j has 2 values for 3 epochs"));
}

TEST_CASE(
    "protocol: a search's attempt keeps its record and series, and where it resumes travels too",
    "[common][protocol][search]") {
    RunAssignment assignment;
    assignment.search_attempts_done = 3;
    assignment.search_reference_j = 2.5e9;
    const RunAssignment resumed = decode_assignment(encode(assignment));
    CHECK(resumed.search_attempts_done == 3);
    CHECK(resumed.search_reference_j == 2.5e9);

    SearchAttemptReport sent;
    sent.run_id = 5;
    sent.attempt = 2;
    sent.record.attempt = 4;
    sent.record.size = 512;
    sent.record.outcome = AttemptOutcome::kFailedTrigger;
    sent.record.epochs = 2;
    sent.record.best_loss = 0.375;
    sent.record.net_j = 1.5;
    sent.record.gross_j = 2.5;
    sent.record.flops = 4e6;
    sent.final = true;
    sent.result.epoch_wall_s = {0.5F, 0.25F};
    sent.result.energy = testing::sample_energy(2);
    for (std::size_t index = 0; index < kValidationOffset; ++index) {
        sent.result.statistics.at(index) = {1.0F, 0.5F};
    }
    const SearchAttemptReport received = decode_attempt(encode(sent));
    CHECK(received.run_id == 5);
    CHECK(received.attempt == 2);
    CHECK(received.record.attempt == 4);
    CHECK(received.record.size == 512);
    CHECK(received.record.outcome == AttemptOutcome::kFailedTrigger);
    CHECK(received.record.best_loss == 0.375);
    CHECK(received.record.gross_j == 2.5);
    CHECK(received.record.flops == 4e6);
    CHECK(received.final);
    CHECK(received.result.statistics == sent.result.statistics);
    CHECK(received.result.energy->gross_j == sent.result.energy->gross_j);

    sent.record.epochs = 3;  // more than the series hold
    CHECK_THROWS_AS(decode_attempt(encode(sent)), MpiError);
    sent.record.epochs = 2;
    sent.record.outcome = static_cast<AttemptOutcome>(9);
    CHECK_THROWS_WITH(decode_attempt(encode(sent)), Catch::Contains("unknown outcome value 9"));
}

TEST_CASE("protocol: failures, references, totals and signal counts round-trip",
          "[common][protocol]") {
    const RunFailure failure = decode_failure(encode(RunFailure{5, 2, "boom", true}));
    CHECK(failure.message == "boom");
    CHECK(failure.permanent);
    CHECK(decode_reference(encode(RunReference{8, 4})).attempt == 4);
    const WorkerTotals totals = decode_totals(encode(WorkerTotals{3, 1.5, 0.25, 0.5, 2.0}));
    CHECK(totals.waiting_s == 0.25);
    CHECK(totals.ending_s == 2.0);
    CHECK(decode_signal_count(encode_signal_count(2)) == 2);
    CHECK(decode_progress(encode(RunProgress{1, 1, 7, 10, 0.5F})).epoch == 7);
}

TEST_CASE("protocol: truncated, padded and garbled messages are MpiErrors naming the field",
          "[common][protocol]") {
    RunAssignment assignment;
    assignment.config.dataset = "banana";
    const Bytes whole = encode(assignment);
    const Bytes truncated(whole.begin(), whole.end() - 3);
    CHECK_THROWS_WITH(decode_assignment(truncated), Catch::Contains("malformed assignment"));
    Bytes padded = whole;
    padded.push_back(std::byte{0});
    CHECK_THROWS_WITH(decode_assignment(padded), Catch::Contains("1 bytes left over"));
    // A length prefix larger than the message must not be trusted.
    Bytes huge_length = encode(RunFailure{1, 1, "x", false});
    huge_length.at(12) = std::byte{0xff};
    CHECK_THROWS_AS(decode_failure(huge_length), MpiError);
    CHECK(to_text(MessageTag::kAssign) == "assign");
    CHECK(to_text(static_cast<MessageTag>(99)) == "tag 99");
}

}  // namespace joulesweep::common
