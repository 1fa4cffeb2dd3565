#include "joulesweep/worker/model/backend_choice.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

#include "model/packed_gemm.hpp"

namespace joulesweep::worker {
namespace {

// From docs/benchmarks.md ("Which backend `auto` picks"), at batch 32 and 256 alike:
// - with a layer at least this wide, the packed GEMM wins on any input (1.1-1.5x
//   oneDNN, 2-2.6x Eigen; at 784 inputs and widths 128-256, batch 32 is a tie);
constexpr int kWideLayer = 64;
// - with narrower layers, a first product at least this deep runs faster on oneDNN,
//   whose kernels suit few output columns (784 inputs, layers 4-32 wide: 1.1-1.7x the
//   others);
constexpr int kDeepInput = 256;
// - on narrower inputs (32 features), packed wins from this width (1.2-1.6x), and
//   below it Eigen's lower cost per call wins (1.2-1.35x at batch 32).
constexpr int kMediumLayer = 16;

}  // namespace

bool backend_available(Backend backend) noexcept {
    return backend != Backend::kPacked || packed_gemm_available();
}

Backend backend_from_flag(std::string_view flag, std::string_view text) {
    const auto backend = common::kBackendNames.find(text);
    if (!backend) {
        throw common::ConfigError(fmt::format("--{}: unknown backend '{}' (expected {})",
                                              flag,
                                              text,
                                              common::kBackendNames.allowed()));
    }
    if (!backend_available(*backend)) {
        throw common::ConfigError(fmt::format(
            "--{}: {} needs AVX2 and FMA, which this CPU lacks (eigen, onednn and auto run here)",
            flag,
            text));
    }
    return *backend;
}

Backend resolve_backend(Backend requested, const NetworkSpec& spec, int batch_size) noexcept {
    if (requested != Backend::kAuto) {
        return requested;
    }
    static_cast<void>(batch_size);  // measured at 32 and 256: it does not move the choice
    const int widest =
        spec.widths.empty() ? 0 : *std::max_element(spec.widths.begin(), spec.widths.end());
    const Backend fastest =
        backend_available(Backend::kPacked) ? Backend::kPacked : Backend::kOnednn;
    if (widest >= kWideLayer) {
        return fastest;
    }
    if (spec.input_width >= kDeepInput) {
        return Backend::kOnednn;
    }
    return widest >= kMediumLayer ? fastest : Backend::kEigen;
}

}  // namespace joulesweep::worker
