#pragma once
// Which backend trains a run. A job asks for `eigen`, `onednn`, `packed` or `auto`
// (`joulesweep run --backend`, `train --backend`): an execution choice, not part of the
// experiment. `auto` resolves per network from the measurements in docs/benchmarks.md
// (the faster backend for the network's widest layer and batch size). The resolved name
// is stored with the run.

#include <string>
#include <string_view>

#include "joulesweep/common/training_choices.hpp"
#include "joulesweep/worker/model/network.hpp"

namespace joulesweep::worker {

using common::Backend;  // named by common::kBackendNames

// Whether this machine can run `backend`: packed needs AVX2 and FMA, the rest run anywhere.
bool backend_available(Backend backend) noexcept;

// The backend a command-line flag names, checked against this machine. Throws
// ConfigError "--<flag>: unknown backend ..." or "--<flag>: packed needs AVX2 and FMA...".
Backend backend_from_flag(std::string_view flag, std::string_view text);

// `requested` itself unless it is kAuto; then the backend measured fastest for this shape
// among those available here.
Backend resolve_backend(Backend requested, const NetworkSpec& spec, int batch_size) noexcept;

}  // namespace joulesweep::worker
