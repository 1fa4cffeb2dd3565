#include "joulesweep/common/topology.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {
namespace {

constexpr std::int64_t kSearchUpperBound = std::int64_t{1} << 30;  // w0 in [1, 2^30)

// Python's round(): to nearest, ties to even. std::nearbyint does that in the default
// rounding mode, which BUTTER's widths depend on (e.g. trapezoid steps of x.5).
std::int64_t round_half_even(double value) {
    return static_cast<std::int64_t>(std::nearbyint(value));
}

std::int64_t saturating_add(std::int64_t left, std::int64_t right) {
    std::int64_t sum = 0;
    return __builtin_add_overflow(left, right, &sum) ? std::numeric_limits<std::int64_t>::max()
                                                     : sum;
}

std::int64_t saturating_multiply(std::int64_t left, std::int64_t right) {
    std::int64_t product = 0;
    return __builtin_mul_overflow(left, right, &product) ? std::numeric_limits<std::int64_t>::max()
                                                         : product;
}

int wide_first_factor(Shape shape) {
    switch (shape) {
        case Shape::kWideFirst2x:
            return 2;
        case Shape::kWideFirst4x:
            return 4;
        case Shape::kWideFirst8x:
            return 8;
        case Shape::kWideFirst16x:
            return 16;
        default:
            return 0;
    }
}

std::vector<std::int64_t> trapezoid_widths(int depth,
                                           std::int64_t first_width,
                                           std::int64_t output_width) {
    const double step = static_cast<double>(first_width - output_width) / (depth - 1);
    std::vector<std::int64_t> widths;
    widths.reserve(static_cast<std::size_t>(depth));
    for (int layer = 0; layer < depth; ++layer) {
        widths.push_back(round_half_even(static_cast<double>(first_width) - step * layer));
    }
    return widths;
}

std::vector<std::int64_t> exponential_widths(int depth,
                                             std::int64_t first_width,
                                             std::int64_t output_width) {
    const double ratio =
        std::exp(std::log(static_cast<double>(output_width) / static_cast<double>(first_width)) /
                 (depth - 1));
    std::vector<std::int64_t> widths;
    widths.reserve(static_cast<std::size_t>(depth));
    for (int layer = 0; layer < depth; ++layer) {
        const std::int64_t width =
            round_half_even(static_cast<double>(first_width) * std::pow(ratio, layer));
        widths.push_back(std::max(output_width, width));
    }
    return widths;
}

std::vector<std::int64_t> wide_first_widths(int depth,
                                            std::int64_t first_width,
                                            std::int64_t output_width,
                                            int factor) {
    std::vector<std::int64_t> widths{first_width};
    const std::int64_t narrow =
        std::max<std::int64_t>(1, round_half_even(static_cast<double>(first_width) / factor));
    widths.insert(widths.end(), static_cast<std::size_t>(depth - 2), narrow);
    widths.push_back(output_width);
    return widths;
}

void check_dimensions(int depth, std::int64_t output_width) {
    JOULESWEEP_CHECK(depth >= kMinDepth && depth <= kMaxDepth, "depth out of range");
    JOULESWEEP_CHECK(output_width >= 1, "output width must be positive");
}

}  // namespace

std::string_view to_text(Shape shape) noexcept {
    return kShapeNames.name(shape);
}

std::optional<Shape> shape_from_text(std::string_view text) noexcept {
    return kShapeNames.find(text);
}

bool has_residual_skips(Shape shape) noexcept {
    return shape == Shape::kRectangleResidual;
}

std::vector<std::int64_t> layer_widths(Shape shape,
                                       int depth,
                                       std::int64_t first_width,
                                       std::int64_t output_width) {
    check_dimensions(depth, output_width);
    JOULESWEEP_CHECK(first_width >= 1, "first width must be positive");
    switch (shape) {
        case Shape::kRectangle:
        case Shape::kRectangleResidual: {
            std::vector<std::int64_t> widths(static_cast<std::size_t>(depth - 1), first_width);
            widths.push_back(output_width);
            return widths;
        }
        case Shape::kTrapezoid:
            return trapezoid_widths(depth, first_width, output_width);
        case Shape::kExponential:
            return exponential_widths(depth, first_width, output_width);
        case Shape::kWideFirst2x:
        case Shape::kWideFirst4x:
        case Shape::kWideFirst8x:
        case Shape::kWideFirst16x:
            return wide_first_widths(depth, first_width, output_width, wide_first_factor(shape));
    }
    JOULESWEEP_CHECK(false, "unknown shape");
    return {};
}

std::int64_t count_parameters(const std::vector<std::int64_t>& widths, std::int64_t input_width) {
    std::int64_t total = 0;
    std::int64_t previous_width = input_width;
    for (const std::int64_t width : widths) {
        total =
            saturating_add(total, saturating_multiply(saturating_add(previous_width, 1), width));
        previous_width = width;
    }
    return total;
}

Topology search_topology(Shape shape,
                         int depth,
                         std::int64_t target_size,
                         std::int64_t input_width,
                         std::int64_t output_width) {
    check_dimensions(depth, output_width);
    JOULESWEEP_CHECK(target_size >= 1, "target size must be positive");
    JOULESWEEP_CHECK(input_width >= 1, "input width must be positive");

    Topology best;
    best.shape = shape;
    best.depth = depth;
    best.target_size = target_size;
    std::optional<std::int64_t> best_distance;
    std::int64_t low = 1;
    std::int64_t high = kSearchUpperBound;
    while (low < high) {
        const std::int64_t middle = (low + high) / 2;
        std::vector<std::int64_t> widths = layer_widths(shape, depth, middle, output_width);
        const std::int64_t count = count_parameters(widths, input_width);
        // count and target are non-negative, so the difference cannot overflow.
        const std::int64_t delta = count - target_size;
        const std::int64_t distance = std::llabs(delta);
        if (!best_distance || distance < *best_distance) {
            best_distance = distance;
            best.widths = std::move(widths);
            best.parameter_count = count;
        }
        if (delta < 0) {
            low = middle + 1;
        } else if (delta > 0) {
            high = middle;
        } else {
            break;
        }
    }
    best.relative_size_error =
        static_cast<double>(*best_distance) / static_cast<double>(target_size);
    return best;
}

Topology build_topology(Shape shape,
                        int depth,
                        std::int64_t target_size,
                        std::int64_t input_width,
                        std::int64_t output_width) {
    Topology topology = search_topology(shape, depth, target_size, input_width, output_width);
    if (!topology.is_buildable()) {
        throw ConfigError(fmt::format(
            "no {} network of depth {} has a parameter count within {:.0f}% of size {} for {} "
            "inputs "
            "and {} outputs: the closest, widths {}, has {} parameters ({:.1f}% off); this point "
            "cannot be built",
            to_text(shape),
            depth,
            kMaxRelativeSizeError * 100,
            target_size,
            input_width,
            output_width,
            format_widths(topology.widths),
            topology.parameter_count,
            topology.relative_size_error * 100));
    }
    return topology;
}

std::string format_widths(const std::vector<std::int64_t>& widths) {
    return fmt::format("[{}]", fmt::join(widths, ", "));
}

}  // namespace joulesweep::common
