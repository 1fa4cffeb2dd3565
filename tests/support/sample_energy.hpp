#pragma once
// A run's energy as a node meter would report it, for the storage and protocol tests.

#include <cstddef>
#include <vector>

#include "joulesweep/common/run_result.hpp"

namespace joulesweep::testing {

// Two domains (package-0, dram-0), `epochs` epochs of distinct values, a shared node,
// and an IPMI wall meter whose reads missed the first epoch (NaN).
common::RunEnergy sample_energy(std::size_t epochs);

// Equal element by element, NaN equal to NaN (the rest of the node's unknown epochs).
bool same_series(const std::vector<float>& left, const std::vector<float>& right);

}  // namespace joulesweep::testing
