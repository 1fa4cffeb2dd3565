#include "joulesweep/worker/power/wrapping_counter.hpp"

#include <catch2/catch.hpp>

namespace joulesweep::worker::power {

TEST_CASE("WrappingCounter: increments, and a wrap corrected from the counter's range",
          "[worker][power]") {
    // The powercap test vector: 262143000000 -> 1000000 with max_energy_range_uj
    // 262143328850 is an increment of 1328850 uJ.
    WrappingCounter counter(262143328850ULL);
    counter.start(262142000000ULL);
    CHECK(counter.advance(262143000000ULL) == 1000000U);
    CHECK(counter.advance(1000000U) == 1328850U);
    CHECK(counter.wraps() == 1);
    CHECK(counter.advance(1000000U) == 0U);
}

TEST_CASE("WrappingCounter: a 32-bit register wraps modulo 2^32", "[worker][power]") {
    WrappingCounter counter(std::uint64_t{1} << 32U);
    counter.start(0xFFFFFF00U);
    CHECK(counter.advance(0x00000100U) == 0x200U);
    CHECK(counter.wraps() == 1);
}

TEST_CASE("WrappingCounter: a decrease with an unknown range is unknown, never negative",
          "[worker][power]") {
    WrappingCounter counter(std::nullopt);
    counter.start(500);
    CHECK(counter.advance(700) == 200U);
    CHECK_FALSE(counter.advance(100).has_value());
    CHECK(counter.wraps() == 0);
    CHECK(counter.advance(150) == 50U);  // the new origin is the last reading
}

}  // namespace joulesweep::worker::power
