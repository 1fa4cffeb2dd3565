#pragma once
// Seeds derived from seeds: splitmix64's finaliser over seed + stream x golden ratio, so
// neighbouring seeds and streams give unrelated values, the same on every machine.

#include <cstdint>

namespace joulesweep::common {

constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) noexcept {
    constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
    constexpr std::uint64_t kMix1 = 0xBF58476D1CE4E5B9ULL;
    constexpr std::uint64_t kMix2 = 0x94D049BB133111EBULL;
    constexpr int kShift1 = 30;
    constexpr int kShift2 = 27;
    constexpr int kShift3 = 31;
    std::uint64_t value = seed + (stream * kGolden);
    value = (value ^ (value >> kShift1)) * kMix1;
    value = (value ^ (value >> kShift2)) * kMix2;
    return value ^ (value >> kShift3);
}

}  // namespace joulesweep::common
