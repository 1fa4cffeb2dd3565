#pragma once
// The energy side of `joulesweep run`: on every node, the ranks share one SampleRing in
// MPI shared memory; the node's leader probes the best power source, measures the idle
// baseline and runs the sampler; training ranks attribute the samples to their epochs.

#include <memory>
#include <optional>
#include <string>

#include <mpi.h>

#include "joulesweep/common/node_shared_memory.hpp"
#include "joulesweep/worker/power/node_meter.hpp"
#include "joulesweep/worker/power/power_ladder.hpp"
#include "joulesweep/worker/power/sample_ring.hpp"

namespace joulesweep::app {

struct JobEnergySettings {
    bool enabled = true;
    worker::power::MeterSettings meter;
    bool idle_at_end = true;  // measure the idle baseline again when the job ends
    worker::power::PowerOptions sources;
};

class JobEnergy {
public:
    // Collective over `world`. Never throws for a node without a usable source: it says
    // so on stdout (leader) and the runs of that node carry no energy.
    JobEnergy(MPI_Comm world, const JobEnergySettings& settings, bool computes);

    // The ring training ranks read; null when energy is off.
    const worker::power::SampleRing* ring() const noexcept { return ring_ ? &*ring_ : nullptr; }

    // This rank is the only training rank of its node.
    bool only_training_rank() const noexcept;

    // Collective over the node, once every rank of it is done with its work: the leader
    // measures the idle power again for as long as at the start while the others sleep,
    // and says how far it drifted (stdout). Nothing when energy is off or no baseline
    // was taken.
    void measure_idle_at_end() const;

private:
    std::optional<common::NodeSharedMemory> memory_;
    std::optional<worker::power::SampleRing> ring_;
    std::unique_ptr<worker::power::NodeMeter> meter_;  // the leader's; stops before memory_ goes
    bool measure_idle_at_end_ = false;
    double idle_baseline_s_ = 0.0;
};

}  // namespace joulesweep::app
