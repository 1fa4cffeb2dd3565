#include "joulesweep/worker/datasets/csv_table.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "temporary_directory.hpp"
#include "text_files.hpp"

namespace joulesweep::worker {
namespace {

using Catch::Contains;
using testing::write_gzip_file;
using testing::write_text_file;

CsvLayout predicting(std::string target, std::vector<std::string> dropped = {}) {
    return CsvLayout{std::move(target), std::move(dropped), ','};
}

}  // namespace

TEST_CASE("read_csv_table: the target from anywhere, RFC 4180 quoting, dropped columns",
          "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const auto path = write_text_file(directory.path() / "t.csv",
                                      "\xEF\xBB\xBFid,label,\"note, quoted\",x\r\n"
                                      "1,yes,\"say \"\"hi\"\"\",0.5\r\n"
                                      "2,no,\"two\nlines\",1.5\r\n");
    const RawTable table = read_csv_table(path, predicting("label", {"id"}));
    REQUIRE(table.features.size() == 2);
    CHECK(table.features[0].name == "note, quoted");
    CHECK(table.features[0].cells == std::vector<std::string>{"say \"hi\"", "two\nlines"});
    CHECK(table.features[1].cells == std::vector<std::string>{"0.5", "1.5"});
    CHECK(table.target.name == "label");
    CHECK(table.target.cells == std::vector<std::string>{"yes", "no"});
    // The byte-order mark a spreadsheet writes is not part of the first name.
    CHECK(read_csv_table(path, predicting("x", {"label"})).features[0].name == "id");
}

TEST_CASE("read_csv_table: gzip files and other delimiters", "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const auto path = write_gzip_file(directory.path() / "t.tsv.gz", "a\tb\n1\t2\n3\t4\n");
    const RawTable table = read_csv_table(path, CsvLayout{"b", {}, '\t'});
    CHECK(table.rows() == 2);
    CHECK(table.features[0].cells == std::vector<std::string>{"1", "3"});
}

TEST_CASE("read_csv_table: every malformed file is refused, naming the file, row and column",
          "[worker][datasets]") {
    const testing::TemporaryDirectory directory;
    const auto path = directory.path() / "bad.csv";
    const auto refused = [&](const std::string& text, const CsvLayout& layout) {
        write_text_file(path, text);
        try {
            read_csv_table(path, layout);
        } catch (const common::ConfigError& error) {
            return std::string(error.what());
        }
        FAIL("accepted: " << text);
        return std::string();
    };
    CHECK_THAT(refused("a,b\n1,2\n", predicting("y")),
               Contains("bad.csv: no column named 'y' to predict; the header names 'a', 'b'"));
    CHECK_THAT(refused("a,b\n1,2\n", predicting("b", {"c"})),
               Contains("cannot drop 'c': the header names 'a', 'b'"));
    CHECK_THAT(refused("a,b\n1,2\n3\n", predicting("b")),
               Contains("bad.csv: data row 2: 1 cells, the header has 2"));
    CHECK_THAT(refused("a,b\n1,2\n,4\n", predicting("b")),
               Contains("data row 2: column 'a' is empty"));
    CHECK_THAT(refused("a,b\n1,\"2\n", predicting("b")), Contains("an unclosed quote"));
    CHECK_THAT(refused("a,b\n", predicting("b")), Contains("a header but no data rows"));
    CHECK_THAT(refused("", predicting("b")), Contains("empty file, expected a header row"));
    CHECK_THAT(refused("a,a,b\n1,2,3\n", predicting("b")),
               Contains("columns 1 and 2 are both named 'a'"));
    CHECK_THAT(refused("a,,b\n1,2,3\n", predicting("b")), Contains("column 2 has no name"));
    CHECK_THAT(refused("a,b\n1,2\n", predicting("b", {"a"})), Contains("no feature column"));
    CHECK_THROWS_AS(read_csv_table(directory.path() / "missing.csv", predicting("b")),
                    common::StorageError);
}

}  // namespace joulesweep::worker
