#include "joulesweep/app/datasets_directory.hpp"

#include <filesystem>
#include <string>

#include "joulesweep/worker/datasets/import_manifest.hpp"

namespace joulesweep::app {

std::filesystem::path datasets_directory(const std::string& flag, const GlobalOptions& globals) {
    std::filesystem::path directory = flag.empty()
                                          ? std::filesystem::path(globals.data_dir) / "datasets"
                                          : std::filesystem::path(flag);
    worker::load_imported_datasets(directory);
    return directory;
}

}  // namespace joulesweep::app
