#include "joulesweep/coordinator/queue/energy_record.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/sql_array.hpp"

namespace joulesweep::coordinator {
namespace {

nlohmann::json provenance_without_share(const common::RunEnergy& energy) {
    return nlohmann::json{
        {"attribution", energy.attribution},
        {"domains", energy.domains},
        {"idle_w", energy.idle_w},
        {"unit_j", energy.unit_j},
        {"train_rows", energy.train_rows},
        {"samples", energy.samples},
        {"largest_gap_s", energy.largest_gap_s},
        {"period_s", energy.period_s},
        {"wraps", energy.wraps},
        {"unknown_intervals", energy.unknown_intervals},
        {"flags", energy.flags},
        {"negative_net_epochs", common::negative_net_epochs(energy)},
        {"node_type", energy.node_type},
        {"wall_source",
         energy.wall_source.empty() ? nlohmann::json(nullptr) : nlohmann::json(energy.wall_source)},
    };
}

std::string rows_literal(const std::vector<std::vector<float>>& rows) {
    std::string text = "{";
    for (std::size_t row = 0; row < rows.size(); ++row) {
        text += (row > 0 ? "," : "") + sql_array(rows[row]);
    }
    return text + "}";
}

}  // namespace

EnergyRecord energy_record(const common::RunEnergy& energy, std::size_t epochs) {
    const auto check = [&energy, epochs](const std::vector<float>& series, const char* name) {
        if (series.size() != epochs) {
            throw common::InternalError(
                fmt::format("energy from {}: {} has {} values for {} epochs",
                            energy.source,
                            name,
                            series.size(),
                            epochs));
        }
    };
    EnergyRecord record;
    record.gross_j.assign(epochs, 0.0F);
    record.net_j.assign(epochs, 0.0F);
    for (std::size_t domain = 0; domain < energy.domains.size(); ++domain) {
        check(energy.gross_j.at(domain), "gross_j");
        check(energy.net_j.at(domain), "net_j");
        for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
            record.gross_j[epoch] += energy.gross_j[domain][epoch];
            record.net_j[epoch] += energy.net_j[domain][epoch];
        }
    }
    check(energy.share, "share");
    if (!energy.wall_source.empty()) {
        check(energy.rest_of_node_j, "rest_of_node_j");
    }
    record.domain_gross_sql = rows_literal(energy.gross_j);
    record.domain_net_sql = rows_literal(energy.net_j);
    nlohmann::json provenance = provenance_without_share(energy);
    provenance["share"] = energy.share;
    record.provenance_json = provenance.dump();
    return record;
}

std::string shard_provenance_json(const common::RunEnergy& energy) {
    return provenance_without_share(energy).dump();
}

void read_provenance(const std::string& json, common::RunEnergy& energy) {
    try {
        const nlohmann::json provenance = nlohmann::json::parse(json);
        energy.attribution = provenance.at("attribution").get<std::string>();
        energy.domains = provenance.at("domains").get<std::vector<std::string>>();
        energy.idle_w = provenance.at("idle_w").get<std::vector<float>>();
        energy.unit_j = provenance.at("unit_j").get<std::vector<double>>();
        if (provenance.contains("share")) {
            energy.share = provenance.at("share").get<std::vector<float>>();
        }
        energy.train_rows = provenance.at("train_rows").get<std::int64_t>();
        energy.samples = provenance.at("samples").get<std::int64_t>();
        energy.largest_gap_s = provenance.at("largest_gap_s").get<double>();
        energy.period_s = provenance.at("period_s").get<double>();
        energy.wraps = provenance.at("wraps").get<std::int64_t>();
        energy.unknown_intervals = provenance.at("unknown_intervals").get<std::int64_t>();
        energy.flags = provenance.at("flags").get<std::vector<std::string>>();
        const nlohmann::json& wall = provenance.at("wall_source");
        energy.wall_source = wall.is_null() ? "" : wall.get<std::string>();
        energy.node_type =
            provenance.value("node_type", "");  // absent from runs stored before node types
    } catch (const nlohmann::json::exception& error) {
        throw common::StorageError(fmt::format("malformed energy provenance: {}", error.what()));
    }
}

}  // namespace joulesweep::coordinator
