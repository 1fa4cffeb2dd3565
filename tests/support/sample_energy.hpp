#pragma once
// A run's energy as a node meter would report it, for the storage and protocol tests.

#include <cstddef>

#include "joulesweep/common/run_result.hpp"

namespace joulesweep::testing {

// Two domains (package-0, dram-0), `epochs` epochs of distinct values, a shared node.
common::RunEnergy sample_energy(std::size_t epochs);

}  // namespace joulesweep::testing
