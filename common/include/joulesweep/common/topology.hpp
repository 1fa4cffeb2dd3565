#pragma once
// BUTTER's network topologies: the 8 shapes, their layer-width formulas, the parameter
// count, and the integer search for the first width that hits a target size within
// +-20%. Shared by the enqueuer (to skip points that cannot be built) and the workers
// (to build them), so both always agree.
//
// Depth counts every Dense layer including the output layer; widths run from the first
// hidden layer to the output layer.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/name_table.hpp"

namespace joulesweep::common {

// Stored in the database and sent over MPI: the values are part of the persistent
// format, never renumber, only append.
enum class Shape : std::int16_t {
    kRectangle = 1,
    kTrapezoid = 2,
    kExponential = 3,
    kWideFirst2x = 4,
    kWideFirst4x = 5,
    kWideFirst8x = 6,
    kWideFirst16x = 7,
    kRectangleResidual = 8,
};

// All shapes, in BUTTER's order.
constexpr std::array<Shape, 8> kAllShapes{Shape::kRectangle,
                                          Shape::kTrapezoid,
                                          Shape::kExponential,
                                          Shape::kWideFirst2x,
                                          Shape::kWideFirst4x,
                                          Shape::kWideFirst8x,
                                          Shape::kWideFirst16x,
                                          Shape::kRectangleResidual};

// BUTTER's names, in BUTTER's order.
inline constexpr NameTable<Shape, 8> kShapeNames{
    "shape",
    {{{Shape::kRectangle, "rectangle"},
      {Shape::kTrapezoid, "trapezoid"},
      {Shape::kExponential, "exponential"},
      {Shape::kWideFirst2x, "wide_first_2x"},
      {Shape::kWideFirst4x, "wide_first_4x"},
      {Shape::kWideFirst8x, "wide_first_8x"},
      {Shape::kWideFirst16x, "wide_first_16x"},
      {Shape::kRectangleResidual, "rectangle_residual"}}}};

// "rectangle", "trapezoid", "exponential", "wide_first_2x", ... (kShapeNames).
std::string_view to_text(Shape shape) noexcept;

// The shape with that name, or nullopt.
std::optional<Shape> shape_from_text(std::string_view text) noexcept;

// Whether hidden layers 1..depth-2 add their input to their output (identity skip). The
// first hidden layer (its input width differs) and the output layer never do.
bool has_residual_skips(Shape shape) noexcept;

// The smallest and largest depth the shapes are defined for (BUTTER used 2..20).
constexpr int kMinDepth = 2;
constexpr int kMaxDepth = 1000;

// Layer widths for first-layer width `first_width` (BUTTER's w0), hidden layers then
// the output layer. REQUIRES: depth in [kMinDepth, kMaxDepth], first_width >= 1,
// output_width >= 1.
std::vector<std::int64_t> layer_widths(Shape shape,
                                       int depth,
                                       std::int64_t first_width,
                                       std::int64_t output_width);

// Trainable parameters: sum over Dense layers of (input width + 1) x units; residual
// adds contribute none. Saturates at INT64_MAX instead of overflowing.
std::int64_t count_parameters(const std::vector<std::int64_t>& widths, std::int64_t input_width);

// How far from its target size a built network may be: BUTTER's 20%.
constexpr double kMaxRelativeSizeError = 0.2;

struct Topology {
    Shape shape = Shape::kRectangle;
    int depth = 0;
    std::int64_t target_size = 0;      // parameters asked for
    std::vector<std::int64_t> widths;  // hidden layers then output
    std::int64_t parameter_count = 0;  // parameters the widths give
    double relative_size_error = 0.0;  // |parameter_count - target_size| / target_size

    bool is_buildable() const noexcept { return relative_size_error <= kMaxRelativeSizeError; }
};

// BUTTER's search: integer bisection of w0 over [1, 2^30) on count - size, keeping the
// evaluated w0 with the smallest |count - size| (the first one on ties), stopping early
// on an exact hit. The result may be unbuildable; check is_buildable().
// REQUIRES: depth in [kMinDepth, kMaxDepth], target_size >= 1, input and output widths >= 1.
Topology search_topology(Shape shape,
                         int depth,
                         std::int64_t target_size,
                         std::int64_t input_width,
                         std::int64_t output_width);

// search_topology, then throws ConfigError when the closest network is more than 20%
// off the target: a permanent error, since no retry can change it.
Topology build_topology(Shape shape,
                        int depth,
                        std::int64_t target_size,
                        std::int64_t input_width,
                        std::int64_t output_width);

// "[17, 17, 17, 17, 1]"
std::string format_widths(const std::vector<std::int64_t>& widths);

}  // namespace joulesweep::common
