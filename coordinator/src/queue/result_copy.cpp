#include "result_copy.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "joulesweep/common/energy_to_target.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/coordinator/db/sql_array.hpp"
#include "joulesweep/coordinator/queue/energy_record.hpp"

namespace joulesweep::coordinator {
namespace {

// The staged columns before the per-epoch statistics, with their types: the order of
// the tuple stage_results() writes.
constexpr std::array<std::pair<const char*, const char*>, 21> kFixedColumns{{
    {"run_id", "bigint"},
    {"attempt", "integer"},
    {"seed", "bigint"},
    {"host", "text"},
    {"slurm_job_id", "text"},
    {"software", "jsonb"},
    {"widths", "integer[]"},
    {"parameter_count", "bigint"},
    {"flops_per_epoch", "double precision"},
    {"diverged", "boolean"},
    {"epoch_wall_s", "real[]"},
    {"backend", "text"},
    {"threads", "integer"},
    {"energy_source", "text"},
    {"energy_gross_j", "real[]"},
    {"energy_net_j", "real[]"},
    {"energy_domain_gross_j", "real[]"},
    {"energy_domain_net_j", "real[]"},
    {"energy_provenance", "jsonb"},
    {"energy_wall_source", "text"},
    {"energy_rest_of_node_j", "real[]"},
}};

// "run_id, attempt, ..., train_loss, ...", each name after `prefix`.
std::string column_list(std::string_view prefix, bool skip_key) {
    std::string list;
    const auto add = [&](std::string_view name) {
        list += list.empty() ? "" : ", ";
        list += prefix;
        list += name;
    };
    for (const auto& [name, type] : kFixedColumns) {
        if (!skip_key ||
            (std::string_view(name) != "run_id" && std::string_view(name) != "attempt")) {
            add(name);
        }
    }
    for (const auto name : common::kStatisticNames) {
        add(name);
    }
    return list;
}

using Text = std::optional<std::string>;  // NULL when absent

// The energy columns of one result: all NULL for a run measured without energy, the wall
// pair NULL without a wall meter.
std::tuple<Text, Text, Text, Text, Text, Text, Text, Text> energy_columns(
    const common::RunResult& result) {
    if (!result.energy) {
        return {};
    }
    const common::RunEnergy& energy = *result.energy;
    const EnergyRecord record = energy_record(energy, result.epoch_wall_s.size());
    const bool wall = !energy.wall_source.empty();
    return {energy.source,
            sql_array(record.gross_j),
            sql_array(record.net_j),
            record.domain_gross_sql,
            record.domain_net_sql,
            record.provenance_json,
            wall ? Text(energy.wall_source) : Text(),
            wall ? Text(sql_array_nan_as_null(energy.rest_of_node_j)) : Text()};
}

std::array<std::string, common::kStatisticCount> statistic_columns(
    const common::RunOutcome& outcome) {
    const common::RunResult& result = outcome.result;
    std::array<std::string, common::kStatisticCount> columns;
    for (std::size_t index = 0; index < common::kStatisticCount; ++index) {
        const auto& series = result.statistics.at(index);
        const bool absent = series.empty() && common::may_be_empty(index);
        if (series.size() != result.epoch_wall_s.size() && !absent) {
            throw common::InternalError(fmt::format("run {}: {} has {} values for {} epochs",
                                                    outcome.run_id,
                                                    common::kStatisticNames.at(index),
                                                    series.size(),
                                                    result.epoch_wall_s.size()));
        }
        columns.at(index) = sql_array(series);
    }
    return columns;
}

// Each staged result's progress rows (migration 0016's run_progress without the columns
// the store statement looks up).
constexpr const char* kCreateIncomingProgressSql = R"sql(
CREATE TEMP TABLE IF NOT EXISTS incoming_progress (
    run_id bigint, attempt integer, monitored text, hardware text, epochs integer,
    improved_epoch integer[], best_loss real[], net_j double precision[],
    gross_j double precision[], flops_per_epoch double precision
) ON COMMIT DELETE ROWS)sql";

// The hardware class run_progress groups by: node type and energy source.
std::string hardware_of(const common::RunResult& result) {
    if (!result.energy) {
        return "/none";
    }
    return result.energy->node_type + "/" + result.energy->source;
}

// COPYs the progress of each result's test series, and validation series when it has one.
void stage_progress(pqxx::work& transaction, const std::vector<common::RunOutcome>& outcomes) {
    pqxx::stream_to stream(transaction, "incoming_progress");
    for (const common::RunOutcome& outcome : outcomes) {
        const common::RunResult& result = outcome.result;
        EnergyRecord energy;
        if (result.energy) {
            energy = energy_record(*result.energy, result.epoch_wall_s.size());
        }
        for (const auto& [monitored, index] :
             {std::pair{"test", common::kTestLossIndex},
              std::pair{"validation", common::kValidationOffset}}) {
            const std::vector<float>& loss = result.statistics.at(index);
            if (loss.empty() && common::may_be_empty(index)) {
                continue;
            }
            const common::LossStaircase progress =
                common::progress_of(common::RunHistory{loss, energy.net_j, energy.gross_j, 0.0});
            const Text net = result.energy ? Text(sql_array(progress.net_j)) : Text();
            const Text gross = result.energy ? Text(sql_array(progress.gross_j)) : Text();
            stream << std::make_tuple(outcome.run_id,
                                      outcome.attempt,
                                      std::string(monitored),
                                      hardware_of(result),
                                      static_cast<std::int64_t>(loss.size()),
                                      sql_array(progress.improved_epoch),
                                      sql_array(progress.best_loss),
                                      net,
                                      gross,
                                      result.flops_per_epoch);
        }
    }
    stream.complete();
}

}  // namespace

void create_incoming_result(pqxx::work& transaction) {
    std::string columns;
    for (const auto& [name, type] : kFixedColumns) {
        columns += fmt::format("{}{} {}", columns.empty() ? "" : ", ", name, type);
    }
    for (const auto name : common::kStatisticNames) {
        columns += fmt::format(", {} real[]", name);
    }
    transaction.exec0("SET LOCAL client_min_messages = warning");  // quiet "already exists"
    transaction.exec0(fmt::format(
        "CREATE TEMP TABLE IF NOT EXISTS incoming_result ({}) ON COMMIT DELETE ROWS", columns));
    transaction.exec0(kCreateIncomingProgressSql);
}

void stage_results(pqxx::work& transaction, const std::vector<common::RunOutcome>& outcomes) {
    pqxx::stream_to stream(transaction, "incoming_result");
    for (const common::RunOutcome& outcome : outcomes) {
        const common::RunResult& result = outcome.result;
        const auto fixed = std::make_tuple(outcome.run_id,
                                           outcome.attempt,
                                           result.seed,
                                           result.host,
                                           result.slurm_job_id,
                                           result.software_json,
                                           sql_array(result.widths),
                                           result.parameter_count,
                                           result.flops_per_epoch,
                                           result.diverged,
                                           sql_array(result.epoch_wall_s),
                                           std::string(common::kBackendNames.name(result.backend)),
                                           result.threads);
        stream << std::tuple_cat(
            fixed, energy_columns(result), std::tuple_cat(statistic_columns(outcome)));
    }
    stream.complete();
    stage_progress(transaction, outcomes);
}

const std::string& store_staged_results_sql() {
    static const std::string sql = fmt::format(
        R"sql(
WITH won AS (
    UPDATE run r
    SET status = 'done', finished_at = now(), owner_id = NULL
    FROM (SELECT DISTINCT run_id, attempt FROM incoming_result) AS c
    WHERE r.run_id = c.run_id AND r.attempt = c.attempt AND r.owner_id = $1 AND r.status = 'running'
    RETURNING r.run_id
), stored AS (
    INSERT INTO result (run_id, attempt, coordinator_id, {})
    SELECT i.run_id, i.attempt, $1, {}
    FROM incoming_result i JOIN won USING (run_id)
    ON CONFLICT (run_id) DO NOTHING
    RETURNING run_id
), progress AS (
    INSERT INTO run_progress (run_id, monitored, experiment_id, dataset, hardware, epochs,
                              improved_epoch, best_loss, net_j, gross_j, flops_per_epoch)
    SELECT p.run_id, p.monitored, r.experiment_id, e.dataset, p.hardware, p.epochs,
           p.improved_epoch, p.best_loss, p.net_j, p.gross_j, p.flops_per_epoch
    FROM incoming_progress p
    JOIN stored USING (run_id)
    JOIN won USING (run_id)
    JOIN run r ON r.run_id = p.run_id AND r.attempt = p.attempt
    JOIN experiment e ON e.experiment_id = r.experiment_id
), stored_before AS (
    SELECT s.run_id FROM result s
    JOIN (SELECT DISTINCT run_id, attempt FROM incoming_result) AS c USING (run_id)
    WHERE s.attempt = c.attempt AND s.coordinator_id = $1
)
SELECT run_id FROM stored UNION SELECT run_id FROM stored_before)sql",
        column_list("", true),
        column_list("i.", true));
    return sql;
}

}  // namespace joulesweep::coordinator
