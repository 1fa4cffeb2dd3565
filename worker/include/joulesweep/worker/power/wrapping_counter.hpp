#pragma once
// Turns successive readings of a counter that wraps around (RAPL's 32-bit energy
// status, exposed as energy_uj by powercap) into increments. When the maximum is not
// known, a decrease cannot be measured: that interval is reported as unknown, never as
// a negative or zero increment.

#include <cstdint>
#include <optional>

namespace joulesweep::worker::power {

class WrappingCounter {
public:
    // `range`: what the counter loses when it wraps, so that a reading after a wrap is
    // old + increment - range. For powercap that is max_energy_range_uj (the kernel's
    // own convention), for a raw 32-bit MSR 2^32; nullopt when unknown.
    explicit WrappingCounter(std::optional<std::uint64_t> range) : range_(range) {}

    // The first reading: the origin of every later increment.
    void start(std::uint64_t value) noexcept { last_ = value; }

    // The increment since the last reading, or nullopt when it cannot be known (the
    // counter went down and the wrap point is unknown). Either way `value` becomes the
    // new origin.
    std::optional<std::uint64_t> advance(std::uint64_t value) noexcept;

    std::int64_t wraps() const noexcept { return wraps_; }

private:
    std::optional<std::uint64_t> range_;
    std::uint64_t last_ = 0;
    std::int64_t wraps_ = 0;
};

}  // namespace joulesweep::worker::power
