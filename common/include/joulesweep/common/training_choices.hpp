#pragma once
// The closed sets an experiment chooses from besides its shape (topology.hpp) and its
// dataset's task (dataset_catalog.hpp): the kind of work, the optimizer, the series a
// search monitors and the training backend.

#include <cstdint>

#include "joulesweep/common/name_table.hpp"

namespace joulesweep::common {

// What a claimed run does: train one network of the experiment's size, or search sizes
// from it upwards until one reaches a target loss (docs/train-for-less.md).
enum class WorkKind : std::int8_t { kRun, kSearch };

inline constexpr NameTable<WorkKind, 2> kWorkKindNames{
    "kind of work", {{{WorkKind::kRun, "run"}, {WorkKind::kSearch, "search"}}}};

// The held-out loss a search watches: the validation rows, or the test set as BUTTER
// did (it had no validation rows).
enum class MonitoredSeries : std::int8_t { kValidation, kTest };

inline constexpr NameTable<MonitoredSeries, 2> kMonitoredSeriesNames{
    "monitored series",
    {{{MonitoredSeries::kValidation, "validation"}, {MonitoredSeries::kTest, "test"}}}};

// Keras 2.x's optimizers as BUTTER used them (docs/training.md).
// Adagrad is not in BUTTER's published sweeps; its growth sweep uses it.
enum class OptimizerKind : std::int8_t { kAdam, kAdagrad, kRmsprop, kSgd };

inline constexpr NameTable<OptimizerKind, 4> kOptimizerNames{"optimizer",
                                                             {{{OptimizerKind::kAdam, "adam"},
                                                               {OptimizerKind::kAdagrad, "adagrad"},
                                                               {OptimizerKind::kRmsprop, "rmsprop"},
                                                               {OptimizerKind::kSgd, "sgd"}}}};

// Keras's Adam and Adagrad have no momentum: only RMSprop and SGD take one.
constexpr bool takes_momentum(OptimizerKind kind) {
    return kind == OptimizerKind::kRmsprop || kind == OptimizerKind::kSgd;
}

// Which kernels train a run. An experiment may ask for kAuto; a stored run always names
// the backend that trained it.
enum class Backend : std::int8_t { kAuto, kEigen, kOnednn, kPacked };

inline constexpr NameTable<Backend, 4> kBackendNames{"backend",
                                                     {{{Backend::kAuto, "auto"},
                                                       {Backend::kEigen, "eigen"},
                                                       {Backend::kOnednn, "onednn"},
                                                       {Backend::kPacked, "packed"}}}};

}  // namespace joulesweep::common
