#include "joulesweep/worker/datasets/raw_table.hpp"

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "temporary_directory.hpp"
#include "text_files.hpp"

namespace joulesweep::worker {
namespace {

using testing::write_gzip_file;

}  // namespace

TEST_CASE("read_pmlb_tsv: features in header order, target last", "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const auto table = read_pmlb_tsv(
        write_gzip_file(directory.path() / "t.tsv.gz", "a\tb\ttarget\n1\tx\t0\n2\ty\t1\n3\tz\t1"));
    REQUIRE(table.features.size() == 2);
    CHECK(table.features[1].name == "b");
    CHECK(table.features[1].cells == std::vector<std::string>{"x", "y", "z"});
    CHECK(table.target.cells == std::vector<std::string>{"0", "1", "1"});
    CHECK(table.rows() == 3);
}

TEST_CASE("read_pmlb_tsv: malformed files name the file, line and problem", "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const auto path = directory.path() / "bad.tsv.gz";
    using Catch::Contains;
    write_gzip_file(path, "a\tb\ttarget\n1\t2\t0\n1\t2\n");
    CHECK_THROWS_WITH(read_pmlb_tsv(path), Contains("bad.tsv.gz:3: 2 cells, the header has 3"));
    write_gzip_file(path, "a\tb\ttarget\n1\t\t0\n");
    CHECK_THROWS_WITH(read_pmlb_tsv(path), Contains("bad.tsv.gz:2: column 'b' is empty"));
    write_gzip_file(path, "a\tb\tlabel\n1\t2\t0\n");
    CHECK_THROWS_WITH(read_pmlb_tsv(path), Contains("end with 'target'"));
    write_gzip_file(path, "a\ttarget\n");
    CHECK_THROWS_WITH(read_pmlb_tsv(path), Contains("no data rows"));
    CHECK_THROWS_AS(read_pmlb_tsv(directory.path() / "missing.tsv.gz"), common::StorageError);
}

}  // namespace joulesweep::worker
