#pragma once
// A user's own data file (`joulesweep datasets import`): delimited text with a header row,
// plain or gzip-compressed, quoted as RFC 4180 says (parsed by libcsv).

#include <filesystem>
#include <string>
#include <vector>

#include "joulesweep/worker/datasets/raw_table.hpp"

namespace joulesweep::worker {

struct CsvLayout {
    std::string target_column;         // the column to predict; every other one is a feature
    std::vector<std::string> dropped;  // columns left out (identifiers, leaks)
    char delimiter = ',';
};

// Reads the file into named columns. Throws StorageError when it cannot be read and
// ConfigError naming the file and the data row for everything else: malformed quoting,
// no header, a duplicate or empty column name, a target or dropped column the header does
// not name (listing the names it has), a row with another number of cells than the
// header, an empty cell, no data rows, no feature column left.
RawTable read_csv_table(const std::filesystem::path& path, const CsvLayout& layout);

}  // namespace joulesweep::worker
