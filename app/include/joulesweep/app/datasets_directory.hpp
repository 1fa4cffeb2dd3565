#pragma once
// Where a command finds prepared datasets, and the imported ones it may name.

#include <filesystem>
#include <string>

#include "joulesweep/app/cli.hpp"

namespace joulesweep::app {

// `flag` (a command's --datasets-dir) when given, else <data-dir>/datasets. The datasets
// imported there (their `*.import.json` manifests) become known to this process, so a
// command resolves its directory before it checks any dataset name.
std::filesystem::path datasets_directory(const std::string& flag, const GlobalOptions& globals);

}  // namespace joulesweep::app
