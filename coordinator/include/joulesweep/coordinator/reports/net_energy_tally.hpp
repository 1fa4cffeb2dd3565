#pragma once
// How often a job stored negative net joules: an epoch whose node drew less than its idle
// baseline, so the baseline was too high (measured on a busy node, or idle power drifted).
// The coordinator counts its stored runs and says so when the job ends.

#include <cstddef>
#include <cstdint>
#include <string>

#include "joulesweep/common/run_result.hpp"

namespace joulesweep::coordinator {

struct NetEnergyTally {
    std::int64_t measured_runs = 0;
    std::int64_t measured_epochs = 0;
    std::int64_t negative_runs = 0;
    std::int64_t negative_epochs = 0;

    void add(const common::RunEnergy& energy, std::size_t epochs);

    // "energy: net joules positive in all 480 measured epochs of 16 runs", or how many
    // were negative and what it means.
    std::string summary() const;
};

}  // namespace joulesweep::coordinator
