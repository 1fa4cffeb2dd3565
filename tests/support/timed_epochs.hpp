#pragma once
// A run of sleeping epochs for the meter tests: the recorder marks each end, the test
// gets each epoch's length as it timed it.

#include <chrono>
#include <vector>

#include "joulesweep/worker/power/run_energy_recorder.hpp"

namespace joulesweep::testing {

// Starts a run on `recorder`, then `epochs` epochs of `each`; seconds per epoch.
std::vector<double> timed_epochs(worker::power::RunEnergyRecorder& recorder,
                                 int epochs,
                                 std::chrono::milliseconds each);

}  // namespace joulesweep::testing
