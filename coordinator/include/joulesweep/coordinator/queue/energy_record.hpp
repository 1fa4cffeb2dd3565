#pragma once
// A run's energy as it is stored, in PostgreSQL (result.energy_*) and in the shard:
// per-epoch totals over the domains, the per-domain series, and the provenance as JSON
// (docs/energy.md, "What is stored").

#include <string>
#include <vector>

#include "joulesweep/common/run_result.hpp"

namespace joulesweep::coordinator {

struct EnergyRecord {
    std::vector<float> gross_j;  // per epoch, summed over the domains
    std::vector<float> net_j;
    std::string domain_gross_sql;  // 2-D array literal, [domain][epoch]
    std::string domain_net_sql;
    std::string provenance_json;  // attribution, domains, idle_w, share, flags, ...
};

// Throws InternalError when a series does not have one value per epoch.
EnergyRecord energy_record(const common::RunEnergy& energy, std::size_t epochs);

// The provenance for the shard, whose per-epoch shares are a series of their own.
std::string shard_provenance_json(const common::RunEnergy& energy);

// The provenance back into `energy` (what the shard reader needs), leaving the series;
// the shares too when the JSON has them.
void read_provenance(const std::string& json, common::RunEnergy& energy);

}  // namespace joulesweep::coordinator
