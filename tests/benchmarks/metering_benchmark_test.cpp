#include "joulesweep/benchmarks/metering_benchmark.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {

TEST_CASE("median_interval: the median and the sign test's ranks around it", "[worker][power]") {
    std::vector<double> values;
    for (int value = 40; value >= 1; --value) {  // unsorted on purpose
        values.push_back(value);
    }
    // n = 40: ranks floor((40 - 12.40) / 2) = 13 and ceil(1 + (40 + 12.40) / 2) = 28.
    const MedianInterval interval = median_interval(values);
    CHECK(interval.median == 20.5);
    CHECK(interval.low == 13.0);
    CHECK(interval.high == 28.0);

    // Too few values for an interval inside them: it spans them all.
    const MedianInterval three = median_interval({3.0, 1.0, 2.0});
    CHECK(three.median == 2.0);
    CHECK(three.low == 1.0);
    CHECK(three.high == 3.0);
    CHECK_THROWS_AS(median_interval({}), common::InternalError);
}

}  // namespace joulesweep::worker::power
