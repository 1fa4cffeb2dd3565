#pragma once
// Which backend trains a run. An experiment asks for `eigen`, `onednn`, `packed` or `auto`; `auto`
// resolves per network from the measurements in docs/benchmarks.md (the faster backend
// for the network's widest layer and batch size). The resolved name is stored with the run.

#include <string>
#include <string_view>

#include "joulesweep/worker/model/network.hpp"

namespace joulesweep::worker {

enum class Backend { kAuto, kEigen, kOnednn, kPacked };

// "auto", "eigen", "onednn" or "packed"; throws ConfigError naming the accepted values otherwise.
Backend parse_backend(std::string_view name);

std::string_view backend_name(Backend backend) noexcept;

// Whether this machine can run `backend`: packed needs AVX2 and FMA, the rest run anywhere.
bool backend_available(Backend backend) noexcept;

// `requested` itself unless it is kAuto; then the backend measured fastest for this shape
// among those available here.
Backend resolve_backend(Backend requested, const NetworkSpec& spec, int batch_size) noexcept;

}  // namespace joulesweep::worker
