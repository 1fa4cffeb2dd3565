#include <cmath>

#include <immintrin.h>

#include "model/adam_update.hpp"

// This file alone is compiled with -mavx2 -ffp-contract=off (worker/CMakeLists.txt).

namespace joulesweep::worker {

void adam_update_avx2(const AdamConstants& constants,
                      float rate,
                      std::ptrdiff_t size,
                      float* weight,
                      const float* gradient,
                      float* first,
                      float* second) noexcept {
    constexpr std::ptrdiff_t kLanes = 8;
    const float keep_first = constants.beta1;
    const float take_first = 1.0F - constants.beta1;
    const float keep_second = constants.beta2;
    const float take_second = 1.0F - constants.beta2;
    const __m256 beta1 = _mm256_set1_ps(keep_first);
    const __m256 one_minus_beta1 = _mm256_set1_ps(take_first);
    const __m256 beta2 = _mm256_set1_ps(keep_second);
    const __m256 one_minus_beta2 = _mm256_set1_ps(take_second);
    const __m256 epsilon = _mm256_set1_ps(constants.epsilon);
    const __m256 step = _mm256_set1_ps(rate);
    std::ptrdiff_t index = 0;
    for (; index + kLanes <= size; index += kLanes) {
        const __m256 slope = _mm256_loadu_ps(gradient + index);
        const __m256 mean = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(first + index)),
                                          _mm256_mul_ps(one_minus_beta1, slope));
        const __m256 square =
            _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(second + index)),
                          _mm256_mul_ps(one_minus_beta2, _mm256_mul_ps(slope, slope)));
        _mm256_storeu_ps(first + index, mean);
        _mm256_storeu_ps(second + index, square);
        const __m256 change = _mm256_div_ps(_mm256_mul_ps(step, mean),
                                            _mm256_add_ps(_mm256_sqrt_ps(square), epsilon));
        _mm256_storeu_ps(weight + index, _mm256_sub_ps(_mm256_loadu_ps(weight + index), change));
    }
    for (; index < size; ++index) {
        const float slope = gradient[index];
        const float mean = (keep_first * first[index]) + (take_first * slope);
        const float square = (keep_second * second[index]) + (take_second * (slope * slope));
        first[index] = mean;
        second[index] = square;
        weight[index] -= rate * mean / (std::sqrt(square) + constants.epsilon);
    }
}

}  // namespace joulesweep::worker
