#pragma once
// The register tile of PackedGemm (packed_gemm.hpp): one 6 x 16 block of C (or its
// first rows, for the last rows of a batch) from a packed panel of A (depth x 6, row
// index fastest) and one of B (depth x 16, column index fastest, 32-byte aligned).
// Compiled for AVX2 and FMA in gemm_tile_avx2.cpp; call it only when
// packed_gemm_available(). The packs that transpose live here too, for the same
// instructions.

#include <cstddef>

namespace joulesweep::worker::gemm_tile {

constexpr std::ptrdiff_t kRows = 6;
constexpr std::ptrdiff_t kColumns = 16;

struct TileTarget {
    float* c = nullptr;           // the tile's first element
    std::ptrdiff_t stride = 0;    // between rows of C
    std::ptrdiff_t rows = 0;      // valid rows, 1..kRows (padding rows are not stored)
    std::ptrdiff_t columns = 0;   // valid columns, 1..kColumns
    bool accumulate = false;      // add to what C holds
    const float* bias = nullptr;  // the tile's columns of the bias, added last
    bool relu = false;            // then max(0, x)
    const float* mask = nullptr;  // then 0 where mask <= 0 (the tile's first element)
    std::ptrdiff_t mask_stride = 0;
};

void multiply_avx2(std::ptrdiff_t depth,
                   const float* a_panel,
                   const float* b_panel,
                   const TileTarget& target) noexcept;

// A full panel of B read through a transpose: panel[step * kColumns + column] =
// source[column * stride + step] for 16 columns and `depth` steps, 8 x 8 at a time.
void pack_transposed_panel_avx2(const float* source,
                                std::ptrdiff_t stride,
                                std::ptrdiff_t depth,
                                float* panel) noexcept;

// A full panel of A as stored (row-major): panel[step * kRows + row] =
// source[row * stride + step] for 6 rows and `depth` steps. Writes up to 2 floats
// past the panel's end (zeros), so leave that slack after the last one.
void pack_rows_panel_avx2(const float* source,
                          std::ptrdiff_t stride,
                          std::ptrdiff_t depth,
                          float* panel) noexcept;

}  // namespace joulesweep::worker::gemm_tile
