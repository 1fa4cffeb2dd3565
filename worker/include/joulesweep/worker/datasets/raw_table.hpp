#pragma once
// A dataset file as read, before any preprocessing: named columns of cells. PMLB's
// format is a gzip TSV with a header line whose last column is `target`.

#include <filesystem>
#include <string>
#include <vector>

namespace joulesweep::worker {

struct RawColumn {
    std::string name;
    std::vector<std::string> cells;  // as written in the file, one per row
};

struct RawTable {
    std::vector<RawColumn> features;
    RawColumn target;

    std::size_t rows() const noexcept { return target.cells.size(); }
};

// Reads a PMLB gzip TSV. Throws StorageError when the file cannot be read and ConfigError
// naming file and line when it is malformed (no `target` column last, a row with the wrong
// number of cells, an empty cell, no rows).
RawTable read_pmlb_tsv(const std::filesystem::path& path);

}  // namespace joulesweep::worker
