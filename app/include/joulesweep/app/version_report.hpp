#pragma once
// The text of `joulesweep --version`: our version and git revision, then every library
// we were built with, as each reports itself at run time.

#include <string>

namespace joulesweep::app {

std::string version_report();

}  // namespace joulesweep::app
