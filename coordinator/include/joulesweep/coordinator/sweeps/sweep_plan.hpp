#pragma once
// Expanding sweeps into the experiments to enqueue: the Cartesian product of each grid,
// filtered by keep_if/drop_if, checked point by point, de-duplicated by canonical key,
// with points that cannot be built (no width within 20% of the size; a search: at no size
// of its ladder) skipped and counted.

#include <cstdint>
#include <string>
#include <vector>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/sweeps/sweep_file.hpp"

namespace joulesweep::coordinator {

struct PlannedExperiment {
    common::ExperimentConfig config;
    std::string key;            // canonical_key(config)
    common::Topology topology;  // a search: the first size of its ladder it can build
    // Parameters trained per epoch summed over the networks a run builds: the topology's
    // for a run; a search's every buildable ladder size (the most it can train).
    std::int64_t parameters_trained = 0;
    std::vector<std::string> labels;  // every sweep that contains it
    int repetitions = 1;              // the most any of those sweeps asks for
    int priority = 0;                 // the highest of those sweeps
};

struct DatasetPlan {
    std::string dataset;
    std::int64_t experiments = 0;
    std::int64_t runs = 0;
    std::int64_t skipped = 0;  // points with no network within 20% of their size
    // Estimated work: parameters x epochs x training samples, summed over runs (a search:
    // its whole ladder trained to the epoch cap, an upper bound).
    double work = 0;
};

struct SweepPlan {
    std::vector<PlannedExperiment> experiments;
    std::vector<DatasetPlan> datasets;  // in catalog order, only datasets that appear
    std::int64_t points = 0;            // grid points before filters
    std::int64_t filtered = 0;          // removed by keep_if / drop_if
    std::int64_t skipped = 0;           // cannot be built
    std::int64_t runs = 0;
    double work = 0;
};

// Throws ConfigError naming the sweep and the problem when a point is invalid (adam with
// momentum, test + validation >= 1) or a sweep keeps no point at all.
SweepPlan plan_sweeps(const std::vector<SweepSpec>& sweeps);

}  // namespace joulesweep::coordinator
