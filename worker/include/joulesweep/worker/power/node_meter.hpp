#pragma once
// One meter per node: a thread that reads the node's power source at a fixed period, and
// at once when a rank asks (a run just ended), and appends each reading to a SampleRing
// the node's ranks share. Before the first sample
// it measures the idle baseline (the node's power while nothing trains). The period is
// the requested one, shortened when a counter could otherwise wrap twice between two
// reads at the node's power ceiling. Beside a CPU-and-DRAM source (RAPL) it can read the
// whole node's meter too (IPMI), no more often than that updates, so that the rest of
// the node is known.

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "joulesweep/worker/power/power_source.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::worker::power {

// The idle baseline measured again during a job (MeterSettings::idle_again_every_s).
struct IdleRemeasurement {
    std::vector<double> before_w;  // per domain: the baseline the runs used until now
    std::vector<double> after_w;   // per domain: the one the next runs use
    double waited_s = 0.0;         // how long new runs waited for the ones in progress
};

struct MeterSettings {
    double period_s = 0.1;            // requested sampling period
    double power_ceiling_w = 2000.0;  // the most a node can draw, for the wrap bound
    double idle_baseline_s = 2.0;     // 0: no baseline, net joules equal gross
    std::filesystem::path proc_stat = "/proc/stat";
    bool under_hypervisor = false;
    // Measure the idle power again this often (0: never): the meter opens the ring's
    // idle window (no run starts), waits for the runs in progress to end, measures for
    // idle_baseline_s, stores the new baseline and closes it. Told to on_idle_again,
    // from the sampler's thread.
    double idle_again_every_s = 0.0;
    std::function<void(const IdleRemeasurement&)> on_idle_again;
};

// The period a sampler uses: the requested one, or at most a quarter of the time a
// counter takes to wrap at the power ceiling (as the kernel's perf timer does). Never
// below a millisecond, RAPL's update period.
// A source that updates slowly (IPMI) is read no more often than it updates.
double sampling_period_s(std::optional<double> smallest_wrap_j,
                         const MeterSettings& settings,
                         double shortest_useful_s = 0.0);

class NodeMeter {
public:
    // Blocks for the idle baseline, describes the ring, appends the first sample and
    // starts the sampler thread. Throws PowerError when the source reports more domains
    // than the ring holds or /proc/stat cannot be read. `wall`, when given, is read
    // beside `source` (PowerProbe::wall).
    NodeMeter(std::unique_ptr<PowerSource> source,
              SampleRing ring,
              const MeterSettings& settings,
              std::unique_ptr<PowerSource> wall = nullptr);
    ~NodeMeter();
    NodeMeter(const NodeMeter&) = delete;
    NodeMeter& operator=(const NodeMeter&) = delete;
    NodeMeter(NodeMeter&&) = delete;
    NodeMeter& operator=(NodeMeter&&) = delete;

    const MeterDescription& description() const noexcept { return description_; }

    // CPU seconds the sampler thread has used so far: the meter's own cost.
    double sampler_cpu_s() const;

    // The node's power per domain over the next `seconds`, from the sampler's own
    // samples (one asked for at each end): the idle baseline again, when the caller knows
    // every rank of the node is idle. It changes nothing the runs use. Empty when the
    // sampler did not answer in time.
    std::vector<double> measure_idle(double seconds) const;

private:
    EnergySample sample_now();
    // Reads the wall source when its period has passed since the last read.
    void read_wall_when_due();
    void run();
    // After each sample: opens, waits on, measures in and closes the idle window.
    void follow_idle_schedule(const EnergySample& sample);

    std::unique_ptr<PowerSource> source_;
    std::unique_ptr<PowerSource> wall_;
    std::chrono::nanoseconds wall_period_{};
    EnergySample wall_reading_;  // only the wall_* fields: the newest wall read
    SampleRing ring_;
    std::filesystem::path proc_stat_;
    MeterDescription description_;
    std::chrono::nanoseconds period_{};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    std::optional<clockid_t> sampler_clock_;  // the thread's CPU-time clock

    // The idle window, touched only by the sampler's thread.
    enum class IdlePhase { kTraining, kDraining, kMeasuring };
    IdlePhase idle_phase_ = IdlePhase::kTraining;
    std::chrono::nanoseconds idle_again_every_{};
    std::chrono::nanoseconds idle_measure_for_{};
    std::chrono::steady_clock::time_point next_idle_window_;
    std::chrono::steady_clock::time_point idle_window_opened_;
    EnergySample idle_from_;
    std::vector<double> current_idle_w_;
    std::function<void(const IdleRemeasurement&)> on_idle_again_;
};

}  // namespace joulesweep::worker::power
