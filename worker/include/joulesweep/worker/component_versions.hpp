#pragma once
// Versions of the libraries the worker computes and measures with (Eigen, oneDNN,
// FreeIPMI): part of every run's software provenance.

#include <vector>

#include "joulesweep/common/version.hpp"

namespace joulesweep::worker {

std::vector<common::ComponentVersion> worker_component_versions();

}  // namespace joulesweep::worker
