#include "joulesweep/common/size_choice.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/energy_to_target.hpp"

namespace joulesweep::common {

TEST_CASE("choose_size: E*, the optimal and the smallest size reaching, and Q",
          "[common][target]") {
    const SizeChoice choice = choose_size({{32, kUnreached},
                                           {64, 900.0},
                                           {128, 300.0},
                                           {256, 120.0},
                                           {512, 150.0},
                                           {1024, kUnreached}});
    CHECK(choice.minimum_cost == 120.0);
    CHECK(choice.optimal_size == 256);
    CHECK(choice.smallest_size == 64);
    CHECK(choice.size_ratio == 4.0);
}

TEST_CASE("choose_size: ties go to the smaller size, order does not matter", "[common][target]") {
    const SizeChoice choice = choose_size({{512, 10.0}, {128, 10.0}, {256, 10.0}});
    CHECK(choice.optimal_size == 128);
    CHECK(choice.smallest_size == 128);
    CHECK(choice.size_ratio == 1.0);
}

TEST_CASE("choose_size: no size reaching leaves everything unknown", "[common][target]") {
    const SizeChoice none = choose_size({{32, kUnreached}, {64, kUnreached}});
    CHECK(none.minimum_cost == kUnreached);
    CHECK_FALSE(none.optimal_size);
    CHECK_FALSE(none.smallest_size);
    CHECK_FALSE(none.size_ratio);
    CHECK_FALSE(choose_size({}).optimal_size);
}

}  // namespace joulesweep::common
