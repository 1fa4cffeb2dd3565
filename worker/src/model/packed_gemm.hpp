#pragma once
// Our own single-precision GEMM for the layer products of training, packed as the
// fastest BLAS libraries do it: blocks of the operands are copied into contiguous
// panels sized for the caches (KC deep, MC rows of A, NR columns of B), and a
// register-tile microkernel (6 rows x 16 columns of C in twelve 256-bit
// accumulators) runs over them with two FMAs per broadcast. Packing also absorbs the
// transposes of the backward pass, so every product runs the same kernel.
//
// Needs AVX2 and FMA at run time (packed_gemm_available()); the kernel is compiled
// for them in its own file, so the rest of the program runs on any x86-64.
//
// Not thread-safe: one PackedGemm per Mlp. With more than one OpenMP thread, the
// columns of C are split between threads, each packing its own panels, so the
// threads never wait for each other inside a product.

#include <cstddef>
#include <vector>

namespace joulesweep::worker {

// A row-major operand as stored: element (row, column) at data[row * stride + column].
// With `transposed`, the product reads the transpose of what is stored.
struct GemmOperand {
    const float* data = nullptr;
    std::ptrdiff_t stride = 0;
    bool transposed = false;
};

// Applied to C after the product: C = relu(C + bias), then C = 0 where mask <= 0 (the
// gradient of a ReLU whose outputs the mask holds).
struct GemmEpilogue {
    const float* bias = nullptr;  // n floats, or none
    bool relu = false;
    const float* mask = nullptr;  // m x n, rows `mask_stride` apart, or none
    std::ptrdiff_t mask_stride = 0;
};

// True when this CPU has the AVX2 and FMA instructions the kernel needs.
bool packed_gemm_available() noexcept;

class PackedGemm {
public:
    // C (m x n, row-major, rows `c_stride` apart) = op(A) (m x k) * op(B) (k x n),
    // plus C's previous contents when `accumulate`, then the epilogue. m or n may be 0
    // (nothing to do); k may not.
    void multiply(std::ptrdiff_t m,
                  std::ptrdiff_t n,
                  std::ptrdiff_t k,
                  const GemmOperand& a,
                  const GemmOperand& b,
                  float* c,
                  std::ptrdiff_t c_stride,
                  bool accumulate,
                  const GemmEpilogue& epilogue = {});

private:
    // One thread's packed panels, 64-byte aligned, grown on first use and kept.
    struct Workspace {
        std::vector<float> storage;
        float* a_panels = nullptr;
        float* b_panels = nullptr;
    };

    Workspace& workspace(std::size_t thread);

    std::vector<Workspace> workspaces_;
};

}  // namespace joulesweep::worker
