#include "joulesweep/common/topology.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {
namespace {

using Widths = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("Shape: names round-trip and unknown names are rejected", "[common][topology]") {
    for (const Shape shape : kAllShapes) {
        CHECK(shape_from_text(to_text(shape)) == shape);
    }
    CHECK(to_text(Shape::kWideFirst16x) == "wide_first_16x");
    CHECK(to_text(Shape::kRectangleResidual) == "rectangle_residual");
    CHECK_FALSE(shape_from_text("triangle"));
    CHECK_FALSE(shape_from_text("Rectangle"));
    CHECK(static_cast<int>(Shape::kRectangleResidual) == 8);  // persisted value
}

TEST_CASE("layer_widths: BUTTER's formulas, output layer last", "[common][topology]") {
    CHECK(layer_widths(Shape::kRectangle, 5, 17, 1) == Widths{17, 17, 17, 17, 1});
    CHECK(layer_widths(Shape::kRectangleResidual, 3, 8, 2) == Widths{8, 8, 2});
    CHECK(layer_widths(Shape::kTrapezoid, 5, 25, 1) == Widths{25, 19, 13, 7, 1});
    CHECK(layer_widths(Shape::kExponential, 5, 42, 1) == Widths{42, 16, 6, 3, 1});
    CHECK(layer_widths(Shape::kWideFirst2x, 5, 29, 1) == Widths{29, 14, 14, 14, 1});
    CHECK(layer_widths(Shape::kWideFirst16x, 4, 8, 3) == Widths{8, 1, 1, 3});
    CHECK(layer_widths(Shape::kWideFirst4x, 2, 9, 3) == Widths{9, 3});
}

TEST_CASE("layer_widths: rounds halves to even as Python's round does", "[common][topology]") {
    // Trapezoid 10 -> 1 over 2 steps: 10, 5.5, 1; 5.5 rounds to 6 (even), not 5.
    CHECK(layer_widths(Shape::kTrapezoid, 3, 10, 1) == Widths{10, 6, 1});
    // Trapezoid 12 -> 1: 12, 6.5, 1; 6.5 rounds to 6 (even), not 7.
    CHECK(layer_widths(Shape::kTrapezoid, 3, 12, 1) == Widths{12, 6, 1});
    // wide_first_2x of 29: 14.5 rounds to 14.
    CHECK(layer_widths(Shape::kWideFirst2x, 3, 29, 1)[1] == 14);
}

TEST_CASE("count_parameters: (inputs + 1) x units per Dense layer", "[common][topology]") {
    CHECK(count_parameters({17, 17, 17, 17, 1}, 4) == 1021);
    CHECK(count_parameters({1, 10}, 784) == 805);
    CHECK(count_parameters({}, 4) == 0);
}

TEST_CASE("count_parameters: saturates instead of overflowing", "[common][topology]") {
    const std::int64_t huge = std::int64_t{1} << 40;
    CHECK(count_parameters({huge, huge, huge}, huge) == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("search_topology: reproduces BUTTER's worked examples (4 inputs, 1 output, depth 5)",
          "[common][topology]") {
    struct Example {
        Shape shape;
        std::int64_t size;
        Widths widths;
        std::int64_t parameters;
    };

    const std::vector<Example> examples{
        {Shape::kRectangle, 1024, {17, 17, 17, 17, 1}, 1021},
        {Shape::kTrapezoid, 1024, {25, 19, 13, 7, 1}, 985},
        {Shape::kExponential, 1024, {42, 16, 6, 3, 1}, 1025},
        {Shape::kWideFirst2x, 1024, {29, 14, 14, 14, 1}, 1000},
    };
    for (const Example& example : examples) {
        INFO(to_text(example.shape));
        const Topology topology = search_topology(example.shape, 5, example.size, 4, 1);
        CHECK(topology.widths == example.widths);
        CHECK(topology.parameter_count == example.parameters);
        CHECK(topology.is_buildable());
    }
    const Topology large = search_topology(Shape::kRectangle, 5, std::int64_t{1} << 20, 4, 1);
    CHECK(large.widths.front() == 590);
}

TEST_CASE("search_topology: the relative error is measured against the target",
          "[common][topology]") {
    const Topology topology = search_topology(Shape::kRectangle, 5, 1024, 4, 1);
    CHECK(topology.relative_size_error == Approx(3.0 / 1024.0));
    CHECK(topology.target_size == 1024);
    CHECK(topology.depth == 5);
}

TEST_CASE("search_topology: small sizes cannot be built for MNIST's wide input",
          "[common][topology]") {
    // Depth 2 with one hidden unit already has (784 + 1) * 1 + (1 + 1) * 10 = 805 parameters.
    for (const std::int64_t size : {32, 64, 128, 256, 512, 1024}) {
        INFO(size);
        CHECK_FALSE(search_topology(Shape::kRectangle, 2, size, 784, 10).is_buildable());
    }
    const Topology buildable = search_topology(Shape::kRectangle, 2, 2048, 784, 10);
    CHECK(buildable.is_buildable());
    CHECK(buildable.widths == Widths{3, 10});
}

TEST_CASE("search_topology: every shape and depth BUTTER used hits the large sizes",
          "[common][topology]") {
    for (const Shape shape : kAllShapes) {
        for (const int depth : {2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20}) {
            for (const int exponent : {15, 20, 25, 27}) {
                const Topology topology =
                    search_topology(shape, depth, std::int64_t{1} << exponent, 126, 3);
                INFO(to_text(shape) << " depth " << depth << " size 2^" << exponent);
                CHECK(topology.is_buildable());
                CHECK(static_cast<int>(topology.widths.size()) == depth);
                CHECK(topology.widths.back() == 3);
                CHECK(count_parameters(topology.widths, 126) == topology.parameter_count);
            }
        }
    }
}

TEST_CASE("build_topology: an unbuildable point is a ConfigError that explains itself",
          "[common][topology]") {
    try {
        build_topology(Shape::kRectangle, 2, 512, 784, 10);
        FAIL("an unbuildable point did not throw");
    } catch (const ConfigError& error) {
        const std::string message = error.what();
        CHECK(message.find(
                  "no rectangle network of depth 2 has a parameter count within 20% of size 512") ==
              0);
        CHECK(message.find("784 inputs and 10 outputs") != std::string::npos);
        CHECK(message.find("widths [1, 10], has 805 parameters") != std::string::npos);
    }
    CHECK(build_topology(Shape::kRectangle, 5, 1024, 4, 1).parameter_count == 1021);
}

TEST_CASE("has_residual_skips: only rectangle_residual", "[common][topology]") {
    for (const Shape shape : kAllShapes) {
        CHECK(has_residual_skips(shape) == (shape == Shape::kRectangleResidual));
    }
}

}  // namespace joulesweep::common
