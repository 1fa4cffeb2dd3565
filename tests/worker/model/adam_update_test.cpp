// Adam's AVX2 update computes the very floats of the rule written out element by element
// (no FMA contraction on either side), including the tail shorter than 8 lanes.

#include "model/adam_update.hpp"

#include <cmath>
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {

TEST_CASE("adam_update_avx2: matches the rule element by element, bit for bit", "[worker][model]") {
    REQUIRE(__builtin_cpu_supports("avx2") != 0);
    const std::ptrdiff_t size = GENERATE(1, 7, 8, 1003);
    RandomStream random(static_cast<std::uint64_t>(size));
    const auto draw = [&random](float scale) {
        return static_cast<float>(((2.0 * random.uniform()) - 1.0) * scale);
    };
    std::vector<float> weight(static_cast<std::size_t>(size));
    std::vector<float> gradient(weight.size());
    std::vector<float> first(weight.size());
    std::vector<float> second(weight.size());
    for (std::size_t index = 0; index < weight.size(); ++index) {
        weight[index] = draw(1.0F);
        gradient[index] = draw(0.1F);
        first[index] = draw(0.01F);
        second[index] = std::abs(draw(1e-4F));
    }
    const AdamConstants constants{0.9F, 0.999F, 1e-7F};
    const float rate = 3e-4F;
    std::vector<float> expected_weight = weight;
    std::vector<float> expected_first = first;
    std::vector<float> expected_second = second;
    for (std::size_t index = 0; index < weight.size(); ++index) {
        const float slope = gradient[index];
        expected_first[index] = (0.9F * first[index]) + ((1.0F - 0.9F) * slope);
        expected_second[index] = (0.999F * second[index]) + ((1.0F - 0.999F) * (slope * slope));
        expected_weight[index] -=
            rate * expected_first[index] / (std::sqrt(expected_second[index]) + 1e-7F);
    }
    adam_update_avx2(
        constants, rate, size, weight.data(), gradient.data(), first.data(), second.data());
    CHECK(first == expected_first);
    CHECK(second == expected_second);
    CHECK(weight == expected_weight);
}

}  // namespace joulesweep::worker
