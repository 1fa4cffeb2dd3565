#include "timed_epochs.hpp"

#include <thread>

namespace joulesweep::testing {

std::vector<double> timed_epochs(worker::power::RunEnergyRecorder& recorder,
                                 int epochs,
                                 std::chrono::milliseconds each) {
    recorder.start_run(1);
    std::vector<double> seconds;
    auto previous = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < epochs; ++epoch) {
        std::this_thread::sleep_for(each);
        const auto now = std::chrono::steady_clock::now();
        seconds.push_back(std::chrono::duration<double>(now - previous).count());
        previous = now;
        recorder.end_epoch();
    }
    return seconds;
}

}  // namespace joulesweep::testing
