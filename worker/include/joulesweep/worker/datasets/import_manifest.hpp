#pragma once
// The manifest `joulesweep datasets import` writes beside an imported dataset's prepared
// file, `<datasets-dir>/<name>.import.json`: the catalog facts the enqueuer sizes networks
// from (rows, raw features, widths, task) and where the data came from. Every process that
// enqueues or trains reads the manifests of its datasets directory at start, so imported
// datasets are known wherever that directory is (a shared file system on a cluster).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "joulesweep/common/dataset_catalog.hpp"

namespace joulesweep::worker {

struct ImportManifest {
    std::string name;
    common::DatasetInfo facts;  // all but the name, which facts_of() adds
    std::string source;         // the file as given to import
    std::string source_sha256;
    std::string target_column;
    std::vector<std::string> dropped;
    std::string imported_at;  // UTC, ISO 8601
    std::string imported_by;  // software and version

    common::DatasetInfo facts_of() const;  // views `name`: use while this lives
};

std::filesystem::path import_manifest_path(const std::filesystem::path& directory,
                                           std::string_view name);

// Writes `<path>.partial` and renames it over `path`.
void write_import_manifest(const std::filesystem::path& path, const ImportManifest& manifest);

// Throws StorageError when the file cannot be read and ConfigError naming it when it is
// not a manifest (bad JSON, a field missing or of the wrong type, an unknown task).
ImportManifest read_import_manifest(const std::filesystem::path& path);

// Reads every manifest in `directory` (none if it does not exist) and registers its
// dataset with common::register_dataset. Returns the manifests, sorted by name.
std::vector<ImportManifest> load_imported_datasets(const std::filesystem::path& directory);

}  // namespace joulesweep::worker
