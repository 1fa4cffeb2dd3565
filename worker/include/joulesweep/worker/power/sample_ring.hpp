#pragma once
// The node meter's samples, shared by the ranks of a node: one writer (the sampler
// thread of the node's leader rank) appends, and every rank reads the stretch its own
// epochs cover. It lives in memory the caller provides (an MPI shared window, or the
// heap for `train` and tests), so every field is a lock-free atomic and the layout is
// fixed. Old samples are overwritten once the ring is full; readers detect it.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

constexpr std::size_t kMaxMeterDomains = 8;
constexpr std::size_t kRingCapacity = 8192;  // 13 minutes at 0.1 s

struct EnergySample {
    std::int64_t time_ns = 0;  // steady_clock (CLOCK_MONOTONIC): one clock for a node's processes
    double busy_cpu_s = 0.0;   // the node's busy CPU seconds, for CPU-time shares
    std::array<double, kMaxMeterDomains> energy_j{};  // per domain, since the meter started
    std::int64_t wraps = 0;              // counter wraps corrected since the meter started
    std::int64_t unknown_intervals = 0;  // intervals whose energy was not known
    // The wall meter's newest reading (IPMI beside RAPL, read about once a second): its
    // own time, the node's energy since the meter started, and its unknown intervals.
    // wall_time_ns is 0 when the meter has no wall source.
    std::int64_t wall_time_ns = 0;
    double wall_energy_j = 0.0;
    std::int64_t wall_unknown_intervals = 0;
};

// What the samples are: written once, before the first sample.
struct MeterDescription {
    PowerSourceKind source = PowerSourceKind::kEstimate;
    std::vector<std::string> domains;  // at most kMaxMeterDomains
    std::vector<double> idle_w;        // per domain; empty when no baseline was measured
    std::vector<double> unit_j;        // per domain: DomainEnergy::unit_j
    double period_s = 0.0;
    bool under_hypervisor = false;
    // The whole node's meter beside a CPU-and-DRAM source, for the rest of the node.
    std::optional<PowerSourceKind> wall_source;
};

class SampleRing {
public:
    // Bytes of memory a ring needs; the memory must be aligned for std::max_align_t.
    static std::size_t bytes_needed() noexcept;

    // Starts a ring in `memory` (the writer, once); the others attach() to it after.
    static SampleRing create(void* memory);
    static SampleRing attach(void* memory) noexcept;

    // Writer side. describe() before the first append().
    void describe(const MeterDescription& description);
    void append(const EnergySample& sample);
    // Sleeps until a sample is requested (request_sample) or `timeout` passes; true
    // when requested. `seen` is the request count the writer has served; it is updated.
    bool wait_for_request(std::uint32_t& seen, std::chrono::nanoseconds timeout) const;

    // Any process of the node: asks the writer for a sample now, instead of at its next
    // tick (a run ended and wants the sample after its last epoch). Wakes it at once.
    void request_sample() const;

    // The idle window: the meter measures the node's idle power again only while no
    // rank of the node trains. A training rank calls try_begin_run() before a run (false
    // while the window is open: wait and try again) and end_run() after it.
    bool try_begin_run() const;
    void end_run() const;
    // Writer side: no run may start from here on; node_idle() says when the runs in
    // progress are over; close_idle_window() stores the new baseline (per domain) for
    // the runs that start after it, and lets them start.
    void open_idle_window();
    bool node_idle() const;
    void close_idle_window(const std::vector<double>& idle_w);

    // Reader side. nullopt until described.
    std::optional<MeterDescription> description() const;
    // Time of the newest sample, or nullopt when there is none yet.
    std::optional<std::int64_t> newest_time_ns() const;
    // The samples from the last one at or before `from_ns` (or the oldest kept) to the
    // first one at or after `to_ns` (or the newest), oldest first.
    std::vector<EnergySample> covering(std::int64_t from_ns, std::int64_t to_ns) const;

private:
    struct Layout;

    explicit SampleRing(Layout* layout) noexcept : layout_(layout) {}

    Layout* layout_;
};

// Memory for a ring that only this process reads (`train`, benchmarks, tests); under
// `joulesweep run` the ring lives in the node's shared memory instead.
class LocalRingMemory {
public:
    LocalRingMemory()
        : words_((SampleRing::bytes_needed() + sizeof(std::max_align_t) - 1) /
                 sizeof(std::max_align_t)) {}

    void* data() noexcept { return words_.data(); }

private:
    std::vector<std::max_align_t> words_;
};

}  // namespace joulesweep::worker::power
