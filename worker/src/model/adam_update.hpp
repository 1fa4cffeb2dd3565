#pragma once
// Adam's update of one tensor, in one pass over its four arrays: the part of a training
// step that is bound by memory bandwidth and, on narrower networks, by the divide and
// square root. Keras's rule (optimizer.hpp): m = b1 m + (1 - b1) g,
// v = b2 v + (1 - b2) g^2, w -= rate m / (sqrt(v) + eps).

#include <cstddef>

namespace joulesweep::worker {

struct AdamConstants {
    float beta1 = 0;
    float beta2 = 0;
    float epsilon = 0;
};

// 8 floats at a time; compiled for AVX2 in adam_update_avx2.cpp without FMA
// contraction, so every float is what the portable update computes. Call it only where
// the CPU has AVX2.
void adam_update_avx2(const AdamConstants& constants,
                      float rate,
                      std::ptrdiff_t size,
                      float* weight,
                      const float* gradient,
                      float* first,
                      float* second) noexcept;

}  // namespace joulesweep::worker
