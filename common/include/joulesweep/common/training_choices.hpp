#pragma once
// The closed sets an experiment chooses from besides its shape (topology.hpp) and its
// dataset's task (dataset_catalog.hpp): the optimizer and the training backend.

#include <cstdint>

#include "joulesweep/common/name_table.hpp"

namespace joulesweep::common {

// Keras 2.x's optimizers as BUTTER used them (docs/training.md).
enum class OptimizerKind : std::int8_t { kAdam, kRmsprop, kSgd };

inline constexpr NameTable<OptimizerKind, 3> kOptimizerNames{"optimizer",
                                                             {{{OptimizerKind::kAdam, "adam"},
                                                               {OptimizerKind::kRmsprop, "rmsprop"},
                                                               {OptimizerKind::kSgd, "sgd"}}}};

// Which kernels train a run. An experiment may ask for kAuto; a stored run always names
// the backend that trained it.
enum class Backend : std::int8_t { kAuto, kEigen, kOnednn, kPacked };

inline constexpr NameTable<Backend, 4> kBackendNames{"backend",
                                                     {{{Backend::kAuto, "auto"},
                                                       {Backend::kEigen, "eigen"},
                                                       {Backend::kOnednn, "onednn"},
                                                       {Backend::kPacked, "packed"}}}};

}  // namespace joulesweep::common
