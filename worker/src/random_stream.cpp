#include "joulesweep/worker/random_stream.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/seed_mix.hpp"

namespace joulesweep::worker {

std::uint64_t derived_seed(std::uint64_t seed, RandomPurpose purpose) noexcept {
    return common::mix_seed(seed, static_cast<std::uint64_t>(purpose));
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
