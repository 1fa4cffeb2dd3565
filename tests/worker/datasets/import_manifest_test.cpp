#include "joulesweep/worker/datasets/import_manifest.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"

#include "temporary_directory.hpp"
#include "text_files.hpp"

namespace joulesweep::worker {
namespace {

ImportManifest sample_manifest(std::string name) {
    ImportManifest manifest;
    manifest.name = std::move(name);
    manifest.facts = common::DatasetInfo{"", 1200, 5, 9, 3, common::Task::kClassification, false};
    manifest.source = "/data/sales.csv";
    manifest.source_sha256 = std::string(64, 'a');
    manifest.target_column = "segment";
    manifest.dropped = {"customer_id"};
    manifest.imported_at = "2026-12-07T10:00:00Z";
    manifest.imported_by = "joulesweep test";
    return manifest;
}

}  // namespace

TEST_CASE("import manifests: written, read back and registered for the enqueuer",
          "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const ImportManifest written = sample_manifest("manifest_test_sales");
    write_import_manifest(import_manifest_path(directory.path(), written.name), written);
    testing::write_text_file(directory.path() / "notes.json", "not a manifest");

    const auto loaded = load_imported_datasets(directory.path());
    REQUIRE(loaded.size() == 1);
    CHECK(loaded[0].name == "manifest_test_sales");
    CHECK(loaded[0].dropped == written.dropped);
    CHECK(loaded[0].facts_of().output_width == 3);
    const auto found = common::find_dataset("manifest_test_sales");
    REQUIRE(found);
    CHECK(found->rows == 1200);
    CHECK(found->input_width == 9);
    CHECK(found->task == common::Task::kClassification);
    CHECK(load_imported_datasets(directory.path() / "absent").empty());
}

TEST_CASE("import manifests: a damaged one is named, not guessed", "[worker][datasets]") {
    using Catch::Contains;
    const testing::TemporaryDirectory directory;
    const auto path = directory.path() / "broken.import.json";
    testing::write_text_file(path, R"({"name": "broken", "rows": 3)");
    CHECK_THROWS_WITH(read_import_manifest(path),
                      Contains("broken.import.json: not an import manifest"));
    ImportManifest renamed = sample_manifest("other");
    write_import_manifest(path, renamed);
    CHECK_THROWS_WITH(read_import_manifest(path), Contains("describes dataset 'other'"));
    ImportManifest empty = sample_manifest("broken");
    empty.facts.rows = 0;
    write_import_manifest(path, empty);
    CHECK_THROWS_WITH(read_import_manifest(path), Contains("must be positive"));
    CHECK_THROWS_WITH(load_imported_datasets(directory.path()), Contains("broken.import.json"));
}

}  // namespace joulesweep::worker
