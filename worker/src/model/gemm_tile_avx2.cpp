#include <array>

#include <immintrin.h>

#include "model/gemm_tile.hpp"

// This file alone is compiled with -mavx2 -mfma (worker/CMakeLists.txt).

namespace joulesweep::worker::gemm_tile {
namespace {

// Bias and ReLU on one half-row, in registers.
// (Forced inline: these run once per row of every tile, and a call costs as much.)
[[gnu::always_inline]] inline __m256 finish(__m256 value, const float* bias, bool relu) noexcept {
    if (bias != nullptr) {
        value = _mm256_add_ps(value, _mm256_loadu_ps(bias));
    }
    if (relu) {
        value = _mm256_max_ps(value, _mm256_setzero_ps());
    }
    return value;
}

// One full row of the tile (16 floats: `low` then `high`) into C.
[[gnu::always_inline]] inline void store_row(std::ptrdiff_t row,
                                             __m256 low,
                                             __m256 high,
                                             const TileTarget& target) noexcept {
    float* out = target.c + (row * target.stride);
    if (target.accumulate) {
        low = _mm256_add_ps(low, _mm256_loadu_ps(out));
        high = _mm256_add_ps(high, _mm256_loadu_ps(out + 8));
    }
    const bool bias = target.bias != nullptr;
    low = finish(low, bias ? target.bias : nullptr, target.relu);
    high = finish(high, bias ? target.bias + 8 : nullptr, target.relu);
    if (target.mask != nullptr) {
        const float* mask = target.mask + (row * target.mask_stride);
        const __m256 zero = _mm256_setzero_ps();
        low = _mm256_and_ps(low, _mm256_cmp_ps(_mm256_loadu_ps(mask), zero, _CMP_GT_OQ));
        high = _mm256_and_ps(high, _mm256_cmp_ps(_mm256_loadu_ps(mask + 8), zero, _CMP_GT_OQ));
    }
    _mm256_storeu_ps(out, low);
    _mm256_storeu_ps(out + 8, high);
}

using Spilled = std::array<float, kRows * kColumns>;

// An edge tile, spilled to memory: store its valid part element by element.
void store_partial(const Spilled& spilled, const TileTarget& target) noexcept {
    for (std::ptrdiff_t row = 0; row < target.rows; ++row) {
        float* out = target.c + (row * target.stride);
        for (std::ptrdiff_t column = 0; column < target.columns; ++column) {
            float value = spilled[static_cast<std::size_t>((row * kColumns) + column)];
            if (target.accumulate) {
                value += out[column];
            }
            if (target.bias != nullptr) {
                value += target.bias[column];
            }
            if (target.relu && !(value > 0.0F)) {
                value = 0.0F;
            }
            if (target.mask != nullptr &&
                !(target.mask[(row * target.mask_stride) + column] > 0.0F)) {
                value = 0.0F;
            }
            out[column] = value;
        }
    }
}

// Eight rows of 8 floats, transposed in registers.
// (Plain arrays: std::array would drop __m256's vector attributes.)
// NOLINTBEGIN(*-avoid-c-arrays, *-pro-bounds-constant-array-index)
using Block = __m256[8];

[[gnu::always_inline]] inline void transpose8(Block& rows) noexcept {
    Block pairs;
    for (std::size_t index = 0; index < 8; index += 2) {
        pairs[index] = _mm256_unpacklo_ps(rows[index], rows[index + 1]);
        pairs[index + 1] = _mm256_unpackhi_ps(rows[index], rows[index + 1]);
    }
    Block quads;
    for (std::size_t index = 0; index < 8; index += 4) {
        // NOLINTBEGIN(*-magic-numbers): shuffle selectors
        quads[index] = _mm256_shuffle_ps(pairs[index], pairs[index + 2], 0x44);
        quads[index + 1] = _mm256_shuffle_ps(pairs[index], pairs[index + 2], 0xEE);
        quads[index + 2] = _mm256_shuffle_ps(pairs[index + 1], pairs[index + 3], 0x44);
        quads[index + 3] = _mm256_shuffle_ps(pairs[index + 1], pairs[index + 3], 0xEE);
    }
    for (std::size_t index = 0; index < 4; ++index) {
        rows[index] = _mm256_permute2f128_ps(quads[index], quads[index + 4], 0x20);
        rows[index + 4] = _mm256_permute2f128_ps(quads[index], quads[index + 4], 0x31);
        // NOLINTEND(*-magic-numbers)
    }
}

// NOLINTEND(*-avoid-c-arrays, *-pro-bounds-constant-array-index)

}  // namespace

void pack_transposed_panel_avx2(const float* source,
                                std::ptrdiff_t stride,
                                std::ptrdiff_t depth,
                                float* panel) noexcept {
    constexpr std::ptrdiff_t kBlock = 8;
    const std::ptrdiff_t blocked = depth / kBlock * kBlock;
    for (std::ptrdiff_t half = 0; half < kColumns; half += kBlock) {
        const float* rows = source + (half * stride);
        for (std::ptrdiff_t step = 0; step < blocked; step += kBlock) {
            Block block;  // NOLINT(*-avoid-c-arrays): as transpose8
            for (std::ptrdiff_t row = 0; row < kBlock; ++row) {
                block[row] = _mm256_loadu_ps(rows + (row * stride) +
                                             step);  // NOLINT(*-constant-array-index)
            }
            transpose8(block);
            for (std::ptrdiff_t row = 0; row < kBlock; ++row) {
                _mm256_store_ps(panel + ((step + row) * kColumns) + half,
                                block[row]);  // NOLINT(*-constant-array-index)
            }
        }
        for (std::ptrdiff_t step = blocked; step < depth; ++step) {
            for (std::ptrdiff_t row = 0; row < kBlock; ++row) {
                panel[(step * kColumns) + half + row] = rows[(row * stride) + step];
            }
        }
    }
}

void pack_rows_panel_avx2(const float* source,
                          std::ptrdiff_t stride,
                          std::ptrdiff_t depth,
                          float* panel) noexcept {
    constexpr std::ptrdiff_t kBlock = 8;
    const std::ptrdiff_t blocked = depth / kBlock * kBlock;
    for (std::ptrdiff_t step = 0; step < blocked; step += kBlock) {
        Block block;  // NOLINT(*-avoid-c-arrays): as transpose8; rows 6 and 7 stay zero
        for (std::ptrdiff_t row = 0; row < kBlock; ++row) {
            block[row] = row < kRows ? _mm256_loadu_ps(source + (row * stride) +
                                                       step)  // NOLINT(*-constant-array-index)
                                     : _mm256_setzero_ps();
        }
        transpose8(block);
        // Each store spills two zeros past its 6 floats, which the next store (or the
        // next panel) overwrites: the caller leaves 2 floats of slack after the last panel.
        for (std::ptrdiff_t row = 0; row < kBlock; ++row) {
            _mm256_storeu_ps(panel + ((step + row) * kRows),
                             block[row]);  // NOLINT(*-constant-array-index)
        }
    }
    for (std::ptrdiff_t step = blocked; step < depth; ++step) {
        for (std::ptrdiff_t row = 0; row < kRows; ++row) {
            panel[(step * kRows) + row] = source[(row * stride) + step];
        }
    }
}

namespace {

// The tile for `kTileRows` of C's rows (a partial tile at the bottom of a batch runs
// only the rows it has: a batch of 32 is five tiles of 6 and one of 2, not six of 6).
// The A panel keeps its 6-wide layout. Once unrolled, every index is a constant and
// the accumulators live in registers: 2 x kTileRows, two B vectors and a broadcast.
// NOLINTBEGIN(*-avoid-c-arrays, *-constant-array-index): as transpose8
template <std::ptrdiff_t kTileRows>
void multiply_rows(std::ptrdiff_t depth,
                   const float* a_panel,
                   const float* b_panel,
                   const TileTarget& target) noexcept {
    __m256 low[static_cast<std::size_t>(kTileRows)];
    __m256 high[static_cast<std::size_t>(kTileRows)];
#pragma GCC unroll 6
    for (std::ptrdiff_t row = 0; row < kTileRows; ++row) {
        low[row] = _mm256_setzero_ps();
        high[row] = _mm256_setzero_ps();
        // C's rows come from L2 or L3 when accumulating: ask for them while the FMAs run.
        const char* line = reinterpret_cast<const char*>(  // NOLINT(*-reinterpret-cast)
            target.c + (row * target.stride));
        _mm_prefetch(line, _MM_HINT_T0);
        _mm_prefetch(line + 60, _MM_HINT_T0);  // NOLINT(*-magic-numbers): the row's last float
    }
    const float* a = a_panel;
    const float* b = b_panel;
#pragma GCC unroll 4
    for (std::ptrdiff_t step = 0; step < depth; ++step) {
        const __m256 b0 = _mm256_load_ps(b);
        const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
        for (std::ptrdiff_t row = 0; row < kTileRows; ++row) {
            const __m256 broadcast = _mm256_broadcast_ss(a + row);
            low[row] = _mm256_fmadd_ps(broadcast, b0, low[row]);
            high[row] = _mm256_fmadd_ps(broadcast, b1, high[row]);
        }
        a += kRows;
        b += kColumns;
    }
    if (target.columns == kColumns) {
#pragma GCC unroll 6
        for (std::ptrdiff_t row = 0; row < kTileRows; ++row) {
            store_row(row, low[row], high[row], target);
        }
        return;
    }
    alignas(32) Spilled spilled{};
#pragma GCC unroll 6
    for (std::ptrdiff_t row = 0; row < kTileRows; ++row) {
        _mm256_store_ps(&spilled[static_cast<std::size_t>(row * kColumns)], low[row]);
        _mm256_store_ps(&spilled[static_cast<std::size_t>((row * kColumns) + 8)], high[row]);
    }
    store_partial(spilled, target);
    // GCC leaves the upper halves of the ymm registers dirty on this path (it returns
    // after the call above without VZEROUPPER), and the caller's SSE code then ran at
    // half speed: clear them here.
    _mm256_zeroupper();
}

// NOLINTEND(*-avoid-c-arrays, *-constant-array-index)

}  // namespace

void multiply_avx2(std::ptrdiff_t depth,
                   const float* a_panel,
                   const float* b_panel,
                   const TileTarget& target) noexcept {
    switch (target.rows) {
        case 1:
            multiply_rows<1>(depth, a_panel, b_panel, target);
            return;
        case 2:
            multiply_rows<2>(depth, a_panel, b_panel, target);
            return;
        case 3:
            multiply_rows<3>(depth, a_panel, b_panel, target);
            return;
        case 4:
            multiply_rows<4>(depth, a_panel, b_panel, target);
            return;
        case 5:
            multiply_rows<5>(depth, a_panel, b_panel, target);
            return;
        default:
            multiply_rows<kRows>(depth, a_panel, b_panel, target);
            return;
    }
}

}  // namespace joulesweep::worker::gemm_tile
