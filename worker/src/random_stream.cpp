#include "joulesweep/worker/random_stream.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {

std::uint64_t derived_seed(std::uint64_t seed, RandomPurpose purpose) noexcept {
    constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
    constexpr std::uint64_t kMix1 = 0xBF58476D1CE4E5B9ULL;
    constexpr std::uint64_t kMix2 = 0x94D049BB133111EBULL;
    constexpr int kShift1 = 30;
    constexpr int kShift2 = 27;
    constexpr int kShift3 = 31;
    std::uint64_t value = seed + (static_cast<std::uint64_t>(purpose) * kGolden);
    value = (value ^ (value >> kShift1)) * kMix1;
    value = (value ^ (value >> kShift2)) * kMix2;
    return value ^ (value >> kShift3);
}

std::uint64_t RandomStream::below(std::uint64_t bound) {
    JOULESWEEP_CHECK(bound > 0, "RandomStream::below needs a positive bound");
    // Reject the top partial block so every value is equally likely.
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                (std::numeric_limits<std::uint64_t>::max() % bound);
    std::uint64_t draw = engine_();
    while (draw >= limit) {
        draw = engine_();
    }
    return draw % bound;
}

double RandomStream::uniform() {
    constexpr int kMantissaBits = 53;
    constexpr int kDiscardedBits = 64 - kMantissaBits;
    return static_cast<double>(engine_() >> kDiscardedBits) * std::ldexp(1.0, -kMantissaBits);
}

double RandomStream::normal() {
    double first = uniform();
    while (first <= 0.0) {  // log(0) is not a number
        first = uniform();
    }
    const double second = uniform();
    return std::sqrt(-2.0 * std::log(first)) * std::cos(2.0 * std::numbers::pi * second);
}

}  // namespace joulesweep::worker
