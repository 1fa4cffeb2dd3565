#pragma once
// Which backend trains a run. An experiment asks for `eigen`, `onednn`, `packed` or `auto`; `auto`
// resolves per network from the measurements in docs/benchmarks.md (the faster backend
// for the network's widest layer and batch size). The resolved name is stored with the run.

#include <string>
#include <string_view>

#include "joulesweep/common/training_choices.hpp"
#include "joulesweep/worker/model/network.hpp"

namespace joulesweep::worker {

using common::Backend;  // named by common::kBackendNames

// Whether this machine can run `backend`: packed needs AVX2 and FMA, the rest run anywhere.
bool backend_available(Backend backend) noexcept;

// `requested` itself unless it is kAuto; then the backend measured fastest for this shape
// among those available here.
Backend resolve_backend(Backend requested, const NetworkSpec& spec, int batch_size) noexcept;

}  // namespace joulesweep::worker
