#include "joulesweep/worker/model/backend_choice.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

// From docs/benchmarks.md ("Which backend `auto` picks"): oneDNN wins once a layer has
// this many inputs or units, at batch 32 and 256 alike; below it Eigen's lower cost per
// call wins (up to 1.8x at width 4, batch 32).
constexpr int kOnednnFromWidth = 32;

}  // namespace

Backend parse_backend(std::string_view name) {
    if (name == "auto") {
        return Backend::kAuto;
    }
    if (name == "eigen") {
        return Backend::kEigen;
    }
    if (name == "onednn") {
        return Backend::kOnednn;
    }
    throw common::ConfigError(
        fmt::format("unknown backend '{}': expected auto, eigen or onednn", name));
}

std::string_view backend_name(Backend backend) noexcept {
    switch (backend) {
        case Backend::kAuto:
            return "auto";
        case Backend::kEigen:
            return "eigen";
        case Backend::kOnednn:
            return "onednn";
    }
    return "unknown";
}

Backend resolve_backend(Backend requested, const NetworkSpec& spec, int batch_size) noexcept {
    if (requested != Backend::kAuto) {
        return requested;
    }
    static_cast<void>(batch_size);
    // The input counts as a layer: its width sets the first GEMM's inner dimension.
    int widest = spec.input_width;
    if (!spec.widths.empty()) {
        widest = std::max(widest, *std::max_element(spec.widths.begin(), spec.widths.end()));
    }
    return widest >= kOnednnFromWidth ? Backend::kOnednn : Backend::kEigen;
}

}  // namespace joulesweep::worker
