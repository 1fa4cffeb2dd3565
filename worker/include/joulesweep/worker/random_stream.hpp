#pragma once
// The one source of randomness in training: a seeded mt19937_64 and the draws made from
// it, written out here because the standard library's distributions (and std::shuffle)
// may differ between library versions. Same seed, same numbers, on every build.

#include <cstdint>
#include <random>
#include <vector>

namespace joulesweep::worker {

// What a stream is for: each purpose draws from its own stream of the run's seed, so
// that, say, a validation split does not change the weights' initialisation.
enum class RandomPurpose : std::uint64_t {
    kSplit = 1,
    kLabelNoise = 2,
    kInitialise = 3,
    kShuffle = 4
};

// A seed for one purpose, mixed from the run's seed (SplitMix64's finaliser).
std::uint64_t derived_seed(std::uint64_t seed, RandomPurpose purpose) noexcept;

class RandomStream {
public:
    explicit RandomStream(std::uint64_t seed) : engine_(seed) {}

    // Uniform in [0, bound), without modulo bias. REQUIRES: bound > 0.
    std::uint64_t below(std::uint64_t bound);

    // Uniform in [0, 1) with 53 random bits.
    double uniform();

    // Standard normal (Box-Muller).
    double normal();

    // Fisher-Yates shuffle of `values` in place.
    template <typename Value>
    void shuffle(std::vector<Value>& values) {
        for (std::size_t index = values.size(); index > 1; --index) {
            std::swap(values[index - 1], values[below(index)]);
        }
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace joulesweep::worker
