#include "joulesweep/worker/datasets/import_manifest.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

constexpr std::string_view kSuffix = ".import.json";
constexpr int kIndent = 2;

}  // namespace

common::DatasetInfo ImportManifest::facts_of() const {
    common::DatasetInfo info = facts;
    info.name = name;
    info.core = false;
    return info;
}

std::filesystem::path import_manifest_path(const std::filesystem::path& directory,
                                           std::string_view name) {
    return directory / fmt::format("{}{}", name, kSuffix);
}

void write_import_manifest(const std::filesystem::path& path, const ImportManifest& manifest) {
    const nlohmann::json json{{"name", manifest.name},
                              {"rows", manifest.facts.rows},
                              {"raw_features", manifest.facts.raw_features},
                              {"input_width", manifest.facts.input_width},
                              {"output_width", manifest.facts.output_width},
                              {"task", common::to_text(manifest.facts.task)},
                              {"source", manifest.source},
                              {"source_sha256", manifest.source_sha256},
                              {"target_column", manifest.target_column},
                              {"dropped", manifest.dropped},
                              {"imported_at", manifest.imported_at},
                              {"imported_by", manifest.imported_by}};
    std::filesystem::path partial = path;
    partial += ".partial";
    {
        std::ofstream out(partial);
        out << json.dump(kIndent) << '\n';
        if (!out.flush()) {
            throw common::StorageError(fmt::format("cannot write {}", partial.string()));
        }
    }
    std::filesystem::rename(partial, path);
}

ImportManifest read_import_manifest(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        throw common::StorageError(fmt::format("cannot read {}", path.string()));
    }
    try {
        const nlohmann::json json = nlohmann::json::parse(in);
        ImportManifest manifest;
        manifest.name = json.at("name").get<std::string>();
        manifest.facts.rows = json.at("rows").get<std::int64_t>();
        manifest.facts.raw_features = json.at("raw_features").get<int>();
        manifest.facts.input_width = json.at("input_width").get<int>();
        manifest.facts.output_width = json.at("output_width").get<int>();
        const auto task = common::kTaskNames.find(json.at("task").get<std::string>());
        if (!task) {
            throw common::ConfigError(fmt::format(
                "{}: unknown task '{}'", path.string(), json.at("task").get<std::string>()));
        }
        manifest.facts.task = *task;
        manifest.source = json.at("source").get<std::string>();
        manifest.source_sha256 = json.at("source_sha256").get<std::string>();
        manifest.target_column = json.at("target_column").get<std::string>();
        manifest.dropped = json.at("dropped").get<std::vector<std::string>>();
        manifest.imported_at = json.at("imported_at").get<std::string>();
        manifest.imported_by = json.at("imported_by").get<std::string>();
        if (manifest.facts.rows <= 0 || manifest.facts.input_width <= 0 ||
            manifest.facts.output_width <= 0) {
            throw common::ConfigError(fmt::format(
                "{}: rows, input_width and output_width must be positive", path.string()));
        }
        if (path.filename().string() != fmt::format("{}{}", manifest.name, kSuffix)) {
            throw common::ConfigError(
                fmt::format("{}: describes dataset '{}', whose manifest would be {}{}",
                            path.string(),
                            manifest.name,
                            manifest.name,
                            kSuffix));
        }
        return manifest;
    } catch (const nlohmann::json::exception& error) {
        throw common::ConfigError(
            fmt::format("{}: not an import manifest ({}); import the dataset again",
                        path.string(),
                        error.what()));
    }
}

std::vector<ImportManifest> load_imported_datasets(const std::filesystem::path& directory) {
    std::vector<ImportManifest> manifests;
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
        return manifests;
    }
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        const std::string file = entry.path().filename().string();
        if (entry.is_regular_file() && file.ends_with(kSuffix)) {
            manifests.push_back(read_import_manifest(entry.path()));
        }
    }
    std::ranges::sort(manifests, {}, &ImportManifest::name);
    for (const ImportManifest& manifest : manifests) {
        common::register_dataset(manifest.facts_of());
    }
    return manifests;
}

}  // namespace joulesweep::worker
