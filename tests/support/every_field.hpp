#pragma once
// A configuration whose every field differs from its default, built by walking the field
// list: a field added to kExperimentFields is covered by every round-trip test
// that uses it without a change here.

#include "joulesweep/common/experiment_config.hpp"

namespace joulesweep::testing {

// Valid: common::validate() passes.
common::ExperimentConfig every_field_set();

}  // namespace joulesweep::testing
