// The packed GEMM against a plain triple loop in double precision: every transpose,
// shapes with partial tiles and more than one packing block in each dimension,
// accumulation, and the epilogue (bias, ReLU, mask), on one thread and on two.

#include "model/packed_gemm.hpp"

#include <cmath>
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {
namespace {

struct Stored {
    std::ptrdiff_t rows = 0;
    std::ptrdiff_t columns = 0;
    std::vector<float> values;
};

Stored random_matrix(std::ptrdiff_t rows, std::ptrdiff_t columns, RandomStream& random) {
    Stored matrix{rows, columns, std::vector<float>(static_cast<std::size_t>(rows * columns))};
    for (float& value : matrix.values) {
        value = static_cast<float>((2.0 * random.uniform()) - 1.0);
    }
    return matrix;
}

// op(stored)(row, column).
double at(const Stored& stored, bool transposed, std::ptrdiff_t row, std::ptrdiff_t column) {
    const std::ptrdiff_t index =
        transposed ? (column * stored.columns) + row : (row * stored.columns) + column;
    return stored.values[static_cast<std::size_t>(index)];
}

struct Shape {
    std::ptrdiff_t m;
    std::ptrdiff_t n;
    std::ptrdiff_t k;
};

}  // namespace

TEST_CASE("PackedGemm: matches a plain product for every transpose, edge and epilogue",
          "[worker][model]") {
    REQUIRE(packed_gemm_available());
    // 1x1x1; a partial tile; more rows than one block (144), more depth than one (256),
    // more columns than one thread's minimum; a column count that is not a multiple of 16.
    const Shape shape = GENERATE(Shape{1, 1, 1},
                                 Shape{5, 13, 7},
                                 Shape{150, 37, 300},
                                 Shape{64, 290, 520},
                                 Shape{301, 33, 8});
    const bool a_transposed = GENERATE(false, true);
    const bool b_transposed = GENERATE(false, true);
    const bool accumulate = GENERATE(false, true);
    const bool epilogue_on = GENERATE(false, true);
    const int threads = GENERATE(1, 2);
    INFO("m " << shape.m << " n " << shape.n << " k " << shape.k << " A^T " << a_transposed
              << " B^T " << b_transposed << " accumulate " << accumulate << " epilogue "
              << epilogue_on << " threads " << threads);

    RandomStream random(static_cast<std::uint64_t>(shape.m * 1000 + shape.n));
    const Stored a = a_transposed ? random_matrix(shape.k, shape.m, random)
                                  : random_matrix(shape.m, shape.k, random);
    const Stored b = b_transposed ? random_matrix(shape.n, shape.k, random)
                                  : random_matrix(shape.k, shape.n, random);
    const Stored bias = random_matrix(1, shape.n, random);
    const Stored mask = random_matrix(shape.m, shape.n, random);
    // C is stored wider than n, to check the stride is kept and the margin untouched.
    const std::ptrdiff_t c_stride = shape.n + 3;
    const Stored before = random_matrix(shape.m, c_stride, random);
    std::vector<float> c = before.values;

    GemmEpilogue epilogue;
    if (epilogue_on) {
        epilogue = {bias.values.data(), true, mask.values.data(), shape.n};
    }
    use_compute_threads(threads);
    PackedGemm gemm;
    gemm.multiply(shape.m,
                  shape.n,
                  shape.k,
                  {a.values.data(), a.columns, a_transposed},
                  {b.values.data(), b.columns, b_transposed},
                  c.data(),
                  c_stride,
                  accumulate,
                  epilogue);
    use_compute_threads(1);

    int wrong = 0;
    for (std::ptrdiff_t row = 0; row < shape.m; ++row) {
        for (std::ptrdiff_t column = 0; column < c_stride; ++column) {
            const auto index = static_cast<std::size_t>((row * c_stride) + column);
            double expected = before.values[index];
            if (column < shape.n) {
                double sum = accumulate ? expected : 0.0;
                for (std::ptrdiff_t step = 0; step < shape.k; ++step) {
                    sum += at(a, a_transposed, row, step) * at(b, b_transposed, step, column);
                }
                if (epilogue_on) {
                    sum = std::max(0.0, sum + bias.values[static_cast<std::size_t>(column)]);
                    if (!(mask.values[static_cast<std::size_t>((row * shape.n) + column)] > 0)) {
                        sum = 0;
                    }
                }
                expected = sum;
            }
            // float products of up to 520 terms of size 1: well within 1e-4 absolute.
            if (std::abs(c[index] - expected) > 1e-4 * std::max(1.0, std::abs(expected))) {
                if (++wrong <= 3) {
                    UNSCOPED_INFO("C(" << row << ", " << column << ") = " << c[index]
                                       << ", expected " << expected);
                }
            }
        }
    }
    CHECK(wrong == 0);
}

TEST_CASE("PackedGemm: keeps its panels between products of different shapes", "[worker][model]") {
    RandomStream random(3);
    const Stored a = random_matrix(20, 30, random);
    const Stored b = random_matrix(30, 40, random);
    PackedGemm gemm;
    std::vector<float> first(std::size_t{20} * 40);
    std::vector<float> again(std::size_t{20} * 40);
    gemm.multiply(
        20, 40, 30, {a.values.data(), 30}, {b.values.data(), 40}, first.data(), 40, false);
    std::vector<float> other(std::size_t{7} * 9);
    gemm.multiply(7, 9, 5, {a.values.data(), 30}, {b.values.data(), 40}, other.data(), 9, false);
    gemm.multiply(
        20, 40, 30, {a.values.data(), 30}, {b.values.data(), 40}, again.data(), 40, false);
    CHECK(first == again);
}

}  // namespace joulesweep::worker
