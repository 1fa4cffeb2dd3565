#pragma once
// The text of `joulesweep --version`: our version and git revision, then every library
// we were built with, as each reports itself at run time.

#include <string>

namespace joulesweep::app {

std::string version_report();

// The same as one JSON object, {"joulesweep": "0.1.0 (git ...)", "Eigen": "3.4.0", ...}:
// the software provenance stored with every run.
std::string software_json();

}  // namespace joulesweep::app
