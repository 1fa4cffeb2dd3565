#include "model/packed_gemm.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <omp.h>

#include "joulesweep/common/error.hpp"

#include "model/gemm_tile.hpp"

namespace joulesweep::worker {
namespace {

using gemm_tile::kColumns;
using gemm_tile::kRows;

// Block sizes for 32 KiB of L1 and 512 KiB of L2 per core (Zen 3; also right for most
// AVX2 cores): a B panel (kDepth x 16, 16 KiB) stays in L1 while the A block
// (kBlockRows x kDepth, 144 KiB) streams from L2; the B block (kDepth x kBlockColumns,
// up to 4 MiB) lives in L3.
constexpr std::ptrdiff_t kDepth = 256;
constexpr std::ptrdiff_t kBlockRows = 144;
constexpr std::ptrdiff_t kBlockColumns = 4096;
// A thread gets at least this many columns of C, or the product runs on fewer threads.
constexpr std::ptrdiff_t kColumnsPerThread = 128;
constexpr std::size_t kAlignFloats = 16;  // 64 bytes

std::ptrdiff_t round_up(std::ptrdiff_t value, std::ptrdiff_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

float* aligned(float* pointer) {
    const auto address = reinterpret_cast<std::uintptr_t>(pointer);  // NOLINT(*-reinterpret-cast)
    const std::uintptr_t bytes = kAlignFloats * sizeof(float);
    return pointer + ((bytes - (address % bytes)) % bytes) / sizeof(float);
}

// `valid` contiguous floats, then zeros up to kWidth.
template <std::ptrdiff_t kWidth>
void copy_padded(const float* source, std::ptrdiff_t valid, float* out) {
    if (valid == kWidth) {
        std::memcpy(out, source, kWidth * sizeof(float));  // a constant size: inlined
        return;
    }
    std::copy(source, source + valid, out);
    std::fill(out + valid, out + kWidth, 0.0F);
}

// An edge panel of `width` lines of which `valid` exist, each stored contiguously over
// the depth and `stride` apart: line i at step s goes to panel[s * width + i], and the
// missing lines are zeros.
void pack_edge_panel(const float* source,
                     std::ptrdiff_t stride,
                     std::ptrdiff_t valid,
                     std::ptrdiff_t width,
                     std::ptrdiff_t depth,
                     float* panel) {
    for (std::ptrdiff_t line = 0; line < width; ++line) {
        const float* values = source + (line * stride);
        for (std::ptrdiff_t step = 0; step < depth; ++step) {
            panel[(step * width) + line] = line < valid ? values[step] : 0.0F;
        }
    }
}

// Rows [first_row, first_row + rows) x depths [first_depth, + depth) of op(A) into
// panels of kRows rows, each depth x kRows with the row index fastest; zero padding.
void pack_a(const GemmOperand& a,
            std::ptrdiff_t first_row,
            std::ptrdiff_t rows,
            std::ptrdiff_t first_depth,
            std::ptrdiff_t depth,
            float* panels) {
    for (std::ptrdiff_t panel_row = 0; panel_row < rows; panel_row += kRows) {
        float* panel = panels + (panel_row * depth);
        const std::ptrdiff_t valid = std::min(kRows, rows - panel_row);
        const std::ptrdiff_t row_index = first_row + panel_row;
        if (a.transposed) {
            // Stored depth x rows: the panel's rows of one depth are contiguous.
            for (std::ptrdiff_t step = 0; step < depth; ++step) {
                copy_padded<kRows>(a.data + ((first_depth + step) * a.stride) + row_index,
                                   valid,
                                   panel + (step * kRows));
            }
            continue;
        }
        const float* source = a.data + (row_index * a.stride) + first_depth;
        if (valid == kRows) {
            gemm_tile::pack_rows_panel_avx2(source, a.stride, depth, panel);
        } else {
            pack_edge_panel(source, a.stride, valid, kRows, depth, panel);
        }
    }
}

// Depths [first_depth, + depth) x columns [first_column, + columns) of op(B) into
// panels of kColumns columns, each depth x kColumns with the column index fastest.
void pack_b(const GemmOperand& b,
            std::ptrdiff_t first_depth,
            std::ptrdiff_t depth,
            std::ptrdiff_t first_column,
            std::ptrdiff_t columns,
            float* panels) {
    for (std::ptrdiff_t panel_column = 0; panel_column < columns; panel_column += kColumns) {
        float* panel = panels + (panel_column * depth);
        const std::ptrdiff_t valid = std::min(kColumns, columns - panel_column);
        const std::ptrdiff_t column_index = first_column + panel_column;
        if (b.transposed) {
            // Stored columns x depth: each stored row is one column of the panel.
            const float* source = b.data + (column_index * b.stride) + first_depth;
            if (valid == kColumns) {
                gemm_tile::pack_transposed_panel_avx2(source, b.stride, depth, panel);
            } else {
                pack_edge_panel(source, b.stride, valid, kColumns, depth, panel);
            }
            continue;
        }
        for (std::ptrdiff_t step = 0; step < depth; ++step) {
            copy_padded<kColumns>(b.data + ((first_depth + step) * b.stride) + column_index,
                                  valid,
                                  panel + (step * kColumns));
        }
    }
}

struct Product {
    std::ptrdiff_t m = 0;
    std::ptrdiff_t k = 0;
    const GemmOperand* a = nullptr;
    const GemmOperand* b = nullptr;
    float* c = nullptr;
    std::ptrdiff_t c_stride = 0;
    bool accumulate = false;
    const GemmEpilogue* epilogue = nullptr;
};

// One block of C's tiles: rows [first_row, + rows) x columns [first_column, + columns),
// over depths [first_depth, + depth), its panels packed.
struct Block {
    std::ptrdiff_t first_row = 0;
    std::ptrdiff_t rows = 0;
    std::ptrdiff_t first_column = 0;
    std::ptrdiff_t columns = 0;
    std::ptrdiff_t first_depth = 0;
    std::ptrdiff_t depth = 0;
};

// Every tile of a packed block. Column panels outside, so that a B panel stays in L1
// while the tiles down it stream A's panels from L2.
void multiply_block(const Product& product,
                    const Block& block,
                    const float* a_panels,
                    const float* b_panels) {
    const bool final_depth = block.first_depth + block.depth == product.k;
    const GemmEpilogue& epilogue = *product.epilogue;
    for (std::ptrdiff_t column = 0; column < block.columns; column += kColumns) {
        const std::ptrdiff_t column_index = block.first_column + column;
        gemm_tile::TileTarget target;
        target.stride = product.c_stride;
        target.columns = std::min(kColumns, block.columns - column);
        target.accumulate = product.accumulate || block.first_depth > 0;
        if (final_depth) {  // the epilogue once C is whole
            target.bias = epilogue.bias == nullptr ? nullptr : epilogue.bias + column_index;
            target.relu = epilogue.relu;
        }
        const float* mask = final_depth ? epilogue.mask : nullptr;
        target.mask_stride = epilogue.mask_stride;
        for (std::ptrdiff_t row = 0; row < block.rows; row += kRows) {
            const std::ptrdiff_t row_index = block.first_row + row;
            target.c = product.c + (row_index * product.c_stride) + column_index;
            target.rows = std::min(kRows, block.rows - row);
            target.mask =
                mask == nullptr ? nullptr : mask + (row_index * target.mask_stride) + column_index;
            gemm_tile::multiply_avx2(block.depth,
                                     a_panels + (row * block.depth),
                                     b_panels + (column * block.depth),
                                     target);
        }
    }
}

// Columns [first, last) of C, on one thread with its own panels: B is packed once per
// column block and depth, A once per row block under it.
void multiply_columns(const Product& product,
                      std::ptrdiff_t first,
                      std::ptrdiff_t last,
                      float* a_panels,
                      float* b_panels) {
    Block block;
    for (block.first_column = first; block.first_column < last;
         block.first_column += kBlockColumns) {
        block.columns = std::min(kBlockColumns, last - block.first_column);
        for (block.first_depth = 0; block.first_depth < product.k; block.first_depth += kDepth) {
            block.depth = std::min(kDepth, product.k - block.first_depth);
            pack_b(*product.b,
                   block.first_depth,
                   block.depth,
                   block.first_column,
                   block.columns,
                   b_panels);
            for (block.first_row = 0; block.first_row < product.m; block.first_row += kBlockRows) {
                block.rows = std::min(kBlockRows, product.m - block.first_row);
                pack_a(*product.a,
                       block.first_row,
                       block.rows,
                       block.first_depth,
                       block.depth,
                       a_panels);
                multiply_block(product, block, a_panels, b_panels);
            }
        }
    }
}

}  // namespace

bool packed_gemm_available() noexcept {
    return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
}

PackedGemm::Workspace& PackedGemm::workspace(std::size_t thread) {
    Workspace& space = workspaces_[thread];
    if (space.storage.empty()) {
        const std::ptrdiff_t a_floats = round_up(kBlockRows, kRows) * kDepth;
        const std::ptrdiff_t b_floats = kDepth * round_up(kBlockColumns, kColumns);
        space.storage.resize(static_cast<std::size_t>(a_floats + b_floats) + (3 * kAlignFloats));
        space.a_panels = aligned(space.storage.data());
        // The slack after A's panels takes what pack_rows_panel_avx2 writes past them.
        space.b_panels = aligned(space.a_panels + a_floats + kAlignFloats);
    }
    return space;
}

void PackedGemm::multiply(std::ptrdiff_t m,
                          std::ptrdiff_t n,
                          std::ptrdiff_t k,
                          const GemmOperand& a,
                          const GemmOperand& b,
                          float* c,  // NOLINT(readability-non-const-parameter): written via Product
                          std::ptrdiff_t c_stride,
                          bool accumulate,
                          const GemmEpilogue& epilogue) {
    JOULESWEEP_CHECK(packed_gemm_available(), "the packed GEMM needs AVX2 and FMA");
    JOULESWEEP_CHECK(m >= 0 && n >= 0 && k > 0, "a product has a size and at least one depth");
    if (m == 0 || n == 0) {
        return;  // an empty batch
    }
    const Product product{m, k, &a, &b, c, c_stride, accumulate, &epilogue};
    const auto threads = static_cast<int>(
        std::clamp<std::ptrdiff_t>(n / kColumnsPerThread, 1, omp_get_max_threads()));
    if (workspaces_.size() < static_cast<std::size_t>(threads)) {
        workspaces_.resize(static_cast<std::size_t>(threads));
    }
    if (threads == 1) {
        Workspace& space = workspace(0);
        multiply_columns(product, 0, n, space.a_panels, space.b_panels);
        return;
    }
    for (int thread = 0; thread < threads; ++thread) {
        workspace(static_cast<std::size_t>(thread));  // allocate before the parallel region
    }
    // Whole panels per thread, so only the last thread has a partial one.
    const std::ptrdiff_t panels = round_up(n, kColumns) / kColumns;
#pragma omp parallel num_threads(threads)
    {
        const auto thread = static_cast<std::ptrdiff_t>(omp_get_thread_num());
        const std::ptrdiff_t first = std::min(n, panels * thread / threads * kColumns);
        const std::ptrdiff_t last = std::min(n, panels * (thread + 1) / threads * kColumns);
        Workspace& space = workspaces_[static_cast<std::size_t>(thread)];
        if (first < last) {
            multiply_columns(product, first, last, space.a_panels, space.b_panels);
        }
    }
}

}  // namespace joulesweep::worker
