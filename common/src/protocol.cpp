#include "joulesweep/common/protocol.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

std::string to_text(MessageTag tag) {
    if (const auto name = kMessageTagNames.name(tag); name != "unknown") {
        return std::string(name);
    }
    return fmt::format("tag {}", static_cast<int>(tag));
}

namespace {

void put_config(WireWriter& writer, const ExperimentConfig& config) {
    visit_experiment_fields(config, [&writer](std::string_view /*name*/, const auto& value) {
        using Field = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Field, std::string>) {
            writer.put_string(value);
        } else if constexpr (std::is_same_v<Field, bool>) {
            writer.put(static_cast<std::uint8_t>(value ? 1 : 0));
        } else if constexpr (std::is_enum_v<Field>) {
            writer.put(static_cast<std::int16_t>(value));
        } else {
            writer.put(value);
        }
    });
}

ExperimentConfig get_config(WireReader& reader) {
    ExperimentConfig config;
    visit_experiment_fields(config, [&reader](std::string_view name, auto& value) {
        using Field = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Field, std::string>) {
            value = reader.get_string(name);
        } else if constexpr (std::is_same_v<Field, bool>) {
            const auto raw = reader.get<std::uint8_t>(name);
            if (raw > 1) {
                throw MpiError(
                    fmt::format("malformed assignment: {} is {}, not 0 or 1", name, raw));
            }
            value = raw == 1;
        } else if constexpr (std::is_enum_v<Field>) {
            const auto raw = reader.get<std::int16_t>(name);
            value = static_cast<Field>(raw);
            if (field_text(value) == "unknown") {
                throw MpiError(fmt::format("malformed assignment: unknown {} value {}", name, raw));
            }
        } else {
            value = reader.get<Field>(name);
        }
    });
    return config;
}

void put_strings(WireWriter& writer, const std::vector<std::string>& texts) {
    writer.put(static_cast<std::uint32_t>(texts.size()));
    for (const std::string& text : texts) {
        writer.put_string(text);
    }
}

std::vector<std::string> get_strings(WireReader& reader, std::string_view field) {
    std::vector<std::string> texts(reader.get<std::uint32_t>(field));
    for (std::string& text : texts) {
        text = reader.get_string(field);
    }
    return texts;
}

void put_energy(WireWriter& writer, const RunEnergy& energy) {
    writer.put_string(energy.source);
    writer.put_string(energy.attribution);
    put_strings(writer, energy.domains);
    writer.put_array(energy.idle_w);
    writer.put_array(energy.unit_j);
    for (std::size_t domain = 0; domain < energy.domains.size(); ++domain) {
        writer.put_array(energy.gross_j.at(domain));
        writer.put_array(energy.net_j.at(domain));
    }
    writer.put_array(energy.share);
    writer.put(energy.train_rows);
    writer.put(energy.samples);
    writer.put(energy.largest_gap_s);
    writer.put(energy.period_s);
    writer.put(energy.wraps);
    writer.put(energy.unknown_intervals);
    put_strings(writer, energy.flags);
    writer.put_string(energy.wall_source);
    writer.put_array(energy.rest_of_node_j);
    writer.put_string(energy.node_type);
}

// Every per-epoch series must have one value per epoch: a short one would shift the
// joules of one epoch onto another in storage.
RunEnergy get_energy(WireReader& reader, std::size_t epochs) {
    RunEnergy energy;
    energy.source = reader.get_string("energy_source");
    energy.attribution = reader.get_string("energy_attribution");
    energy.domains = get_strings(reader, "energy_domains");
    energy.idle_w = reader.get_array<float>("energy_idle_w");
    energy.unit_j = reader.get_array<double>("energy_unit_j");
    const auto check = [epochs](const std::vector<float>& series, std::string_view name) {
        if (series.size() != epochs) {
            throw MpiError(fmt::format(
                "malformed result: {} has {} values for {} epochs", name, series.size(), epochs));
        }
    };
    for (std::size_t domain = 0; domain < energy.domains.size(); ++domain) {
        energy.gross_j.push_back(reader.get_array<float>("energy_gross_j"));
        check(energy.gross_j.back(), "energy_gross_j");
        energy.net_j.push_back(reader.get_array<float>("energy_net_j"));
        check(energy.net_j.back(), "energy_net_j");
    }
    energy.share = reader.get_array<float>("energy_share");
    check(energy.share, "energy_share");
    if (energy.idle_w.size() != energy.domains.size()) {
        throw MpiError("malformed result: energy_idle_w does not have one value per domain");
    }
    if (energy.unit_j.size() != energy.domains.size()) {
        throw MpiError("malformed result: energy_unit_j does not have one value per domain");
    }
    energy.train_rows = reader.get<std::int64_t>("energy_train_rows");
    energy.samples = reader.get<std::int64_t>("energy_samples");
    energy.largest_gap_s = reader.get<double>("energy_largest_gap_s");
    energy.period_s = reader.get<double>("energy_period_s");
    energy.wraps = reader.get<std::int64_t>("energy_wraps");
    energy.unknown_intervals = reader.get<std::int64_t>("energy_unknown_intervals");
    energy.flags = get_strings(reader, "energy_flags");
    energy.wall_source = reader.get_string("energy_wall_source");
    energy.rest_of_node_j = reader.get_array<float>("energy_rest_of_node_j");
    energy.node_type = reader.get_string("energy_node_type");
    if (energy.wall_source.empty() && !energy.rest_of_node_j.empty()) {
        throw MpiError("malformed result: energy_rest_of_node_j without a wall source");
    }
    if (!energy.wall_source.empty()) {
        check(energy.rest_of_node_j, "energy_rest_of_node_j");
    }
    return energy;
}

void put_result(WireWriter& writer, const RunResult& result) {
    writer.put(result.seed);
    writer.put_string(result.host);
    writer.put(static_cast<std::uint8_t>(result.slurm_job_id ? 1 : 0));
    writer.put_string(result.slurm_job_id.value_or(""));
    writer.put_string(result.software_json);
    writer.put(static_cast<std::int16_t>(result.backend));
    writer.put(result.threads);
    writer.put_array(result.widths);
    writer.put(result.parameter_count);
    writer.put(result.flops_per_epoch);
    writer.put(static_cast<std::uint8_t>(result.diverged ? 1 : 0));
    writer.put_array(result.epoch_wall_s);
    for (const auto& series : result.statistics) {
        writer.put_array(series);
    }
    writer.put(static_cast<std::uint8_t>(result.energy ? 1 : 0));
    if (result.energy) {
        put_energy(writer, *result.energy);
    }
}

RunResult get_result(WireReader& reader) {
    RunResult result;
    result.seed = reader.get<std::int64_t>("seed");
    result.host = reader.get_string("host");
    const bool has_job = reader.get<std::uint8_t>("has_slurm_job_id") != 0;
    std::string job = reader.get_string("slurm_job_id");
    if (has_job) {
        result.slurm_job_id = std::move(job);
    }
    result.software_json = reader.get_string("software");
    const auto backend = reader.get<std::int16_t>("backend");
    result.backend = static_cast<Backend>(backend);
    if (kBackendNames.name(result.backend) == "unknown") {
        throw MpiError(fmt::format("malformed result: unknown backend value {}", backend));
    }
    result.threads = reader.get<std::int64_t>("threads");
    result.widths = reader.get_array<std::int64_t>("widths");
    result.parameter_count = reader.get<std::int64_t>("parameter_count");
    result.flops_per_epoch = reader.get<double>("flops_per_epoch");
    result.diverged = reader.get<std::uint8_t>("diverged") != 0;
    result.epoch_wall_s = reader.get_array<float>("epoch_wall_s");
    for (std::size_t index = 0; index < kStatisticCount; ++index) {
        auto& series = result.statistics.at(index);
        series = reader.get_array<float>(kStatisticNames.at(index));
        const bool absent = series.empty() && may_be_empty(index);
        if (series.size() != result.epoch_wall_s.size() && !absent) {
            throw MpiError(fmt::format("malformed result: {} has {} values for {} epochs",
                                       kStatisticNames.at(index),
                                       series.size(),
                                       result.epoch_wall_s.size()));
        }
    }
    if (reader.get<std::uint8_t>("has_energy") != 0) {
        result.energy = get_energy(reader, result.epoch_wall_s.size());
    }
    return result;
}

}  // namespace

Bytes encode(const RunAssignment& message) {
    WireWriter writer;
    writer.put(message.run_id);
    writer.put(message.attempt);
    writer.put(message.seed);
    put_config(writer, message.config);
    writer.put(message.search_attempts_done);
    writer.put(message.search_reference_j);
    return std::move(writer).take();
}

Bytes encode(const RunProgress& message) {
    WireWriter writer;
    writer.put(message.run_id);
    writer.put(message.attempt);
    writer.put(message.epoch);
    writer.put(message.epochs);
    writer.put(message.test_loss);
    return std::move(writer).take();
}

Bytes encode(const RunOutcome& message) {
    WireWriter writer;
    writer.put(message.run_id);
    writer.put(message.attempt);
    put_result(writer, message.result);
    return std::move(writer).take();
}

Bytes encode(const SearchAttemptReport& message) {
    WireWriter writer;
    writer.put(message.run_id);
    writer.put(message.attempt);
    const AttemptRecord& record = message.record;
    writer.put(record.attempt);
    writer.put(record.size);
    writer.put(static_cast<std::int16_t>(record.outcome));
    writer.put(record.epochs);
    writer.put(record.best_loss);
    writer.put(record.net_j);
    writer.put(record.gross_j);
    writer.put(record.flops);
    writer.put(static_cast<std::uint8_t>(message.final ? 1 : 0));
    put_result(writer, message.result);
    return std::move(writer).take();
}

Bytes encode(const RunFailure& message) {
    WireWriter writer;
    writer.put(message.run_id);
    writer.put(message.attempt);
    writer.put_string(message.message);
    writer.put(static_cast<std::uint8_t>(message.permanent ? 1 : 0));
    return std::move(writer).take();
}

Bytes encode(const RunReference& message) {
    WireWriter writer;
    writer.put(message.run_id);
    writer.put(message.attempt);
    return std::move(writer).take();
}

Bytes encode(const WorkerTotals& message) {
    WireWriter writer;
    writer.put(message.runs);
    writer.put(message.training_s);
    writer.put(message.waiting_s);
    writer.put(message.starting_s);
    writer.put(message.ending_s);
    return std::move(writer).take();
}

Bytes encode_signal_count(int count) {
    WireWriter writer;
    writer.put(count);
    return std::move(writer).take();
}

RunAssignment decode_assignment(const Bytes& bytes) {
    WireReader reader(bytes, "assignment");
    RunAssignment message;
    message.run_id = reader.get<std::int64_t>("run_id");
    message.attempt = reader.get<int>("attempt");
    message.seed = reader.get<std::int64_t>("seed");
    message.config = get_config(reader);
    message.search_attempts_done = reader.get<int>("search_attempts_done");
    message.search_reference_j = reader.get<double>("search_reference_j");
    reader.expect_end();
    return message;
}

RunProgress decode_progress(const Bytes& bytes) {
    WireReader reader(bytes, "progress");
    RunProgress message;
    message.run_id = reader.get<std::int64_t>("run_id");
    message.attempt = reader.get<int>("attempt");
    message.epoch = reader.get<int>("epoch");
    message.epochs = reader.get<int>("epochs");
    message.test_loss = reader.get<float>("test_loss");
    reader.expect_end();
    return message;
}

RunOutcome decode_outcome(const Bytes& bytes) {
    WireReader reader(bytes, "result");
    RunOutcome message;
    message.run_id = reader.get<std::int64_t>("run_id");
    message.attempt = reader.get<int>("attempt");
    message.result = get_result(reader);
    reader.expect_end();
    return message;
}

SearchAttemptReport decode_attempt(const Bytes& bytes) {
    WireReader reader(bytes, "attempt");
    SearchAttemptReport message;
    message.run_id = reader.get<std::int64_t>("run_id");
    message.attempt = reader.get<int>("attempt");
    AttemptRecord& record = message.record;
    record.attempt = reader.get<int>("attempt_number");
    record.size = reader.get<std::int64_t>("size");
    const auto outcome = reader.get<std::int16_t>("outcome");
    record.outcome = static_cast<AttemptOutcome>(outcome);
    if (kAttemptOutcomeNames.name(record.outcome) == "unknown") {
        throw MpiError(fmt::format("malformed attempt: unknown outcome value {}", outcome));
    }
    record.epochs = reader.get<int>("epochs");
    record.best_loss = reader.get<double>("best_loss");
    record.net_j = reader.get<double>("net_j");
    record.gross_j = reader.get<double>("gross_j");
    record.flops = reader.get<double>("flops");
    message.final = reader.get<std::uint8_t>("final") != 0;
    message.result = get_result(reader);
    reader.expect_end();
    if (static_cast<std::size_t>(record.epochs) != message.result.epoch_wall_s.size()) {
        throw MpiError(fmt::format("malformed attempt: {} epochs with {} epoch times",
                                   record.epochs,
                                   message.result.epoch_wall_s.size()));
    }
    return message;
}

RunFailure decode_failure(const Bytes& bytes) {
    WireReader reader(bytes, "failure");
    RunFailure message;
    message.run_id = reader.get<std::int64_t>("run_id");
    message.attempt = reader.get<int>("attempt");
    message.message = reader.get_string("message");
    message.permanent = reader.get<std::uint8_t>("permanent") != 0;
    reader.expect_end();
    return message;
}

RunReference decode_reference(const Bytes& bytes) {
    WireReader reader(bytes, "run reference");
    RunReference message;
    message.run_id = reader.get<std::int64_t>("run_id");
    message.attempt = reader.get<int>("attempt");
    reader.expect_end();
    return message;
}

WorkerTotals decode_totals(const Bytes& bytes) {
    WireReader reader(bytes, "worker totals");
    WorkerTotals message;
    message.runs = reader.get<std::int64_t>("runs");
    message.training_s = reader.get<double>("training_s");
    message.waiting_s = reader.get<double>("waiting_s");
    message.starting_s = reader.get<double>("starting_s");
    message.ending_s = reader.get<double>("ending_s");
    reader.expect_end();
    return message;
}

int decode_signal_count(const Bytes& bytes) {
    WireReader reader(bytes, "signal notice");
    const int count = reader.get<int>("count");
    reader.expect_end();
    return count;
}

}  // namespace joulesweep::common
