#pragma once
// A configuration whose every field differs from its default, built by walking the field
// list: a field added to kExperimentFields is covered by every round-trip test
// that uses it without a change here.

#include "joulesweep/common/experiment_config.hpp"

namespace joulesweep::testing {

// Valid: common::validate() passes. A search (kind is the last of its names).
common::ExperimentConfig every_field_set();

// A fixed-size run: every field that applies to one differs from its default, the
// search-only fields keep theirs.
common::ExperimentConfig every_run_field_set();

}  // namespace joulesweep::testing
