#include "joulesweep/worker/datasets/raw_table.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <zlib.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

struct GzCloser {
    void operator()(gzFile file) const noexcept { gzclose(file); }
};

using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

constexpr int kChunk = 1 << 16;

// One line without its newline into `line` (using `chunk`, kChunk bytes, as scratch);
// false at the end of the file.
bool read_line(gzFile file,
               const std::filesystem::path& path,
               std::string& chunk,
               std::string& line) {
    line.clear();
    while (gzgets(file, chunk.data(), kChunk) != nullptr) {
        const std::size_t length = std::strlen(chunk.c_str());
        line.append(chunk.data(), length);
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
            return true;
        }
    }
    int error = Z_OK;
    const char* message = gzerror(file, &error);
    if (error != Z_OK && error != Z_STREAM_END) {
        throw common::StorageError(
            fmt::format("{}: cannot decompress: {}", path.string(), message));
    }
    return !line.empty();  // a last line without a newline
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> cells;
    std::size_t start = 0;
    while (true) {
        const std::size_t tab = line.find('\t', start);
        cells.push_back(line.substr(start, tab - start));
        if (tab == std::string_view::npos) {
            return cells;
        }
        start = tab + 1;
    }
}

}  // namespace

RawTable read_pmlb_tsv(const std::filesystem::path& path) {
    const GzFile file(gzopen(path.c_str(), "rb"));
    if (!file) {
        throw common::StorageError(fmt::format(
            "cannot open {}: {}", path.string(), std::generic_category().message(errno)));
    }
    std::string chunk(kChunk, '\0');
    std::string line;
    if (!read_line(file.get(), path, chunk, line)) {
        throw common::ConfigError(
            fmt::format("{}: empty file, expected a header line", path.string()));
    }
    std::vector<std::string> header;  // owns the names: `line` is reused for every row
    for (const std::string_view name : split_tabs(line)) {
        header.emplace_back(name);
    }
    if (header.size() < 2 || header.back() != "target") {
        throw common::ConfigError(
            fmt::format("{}:1: the header must name at least one feature and end with 'target'",
                        path.string()));
    }
    RawTable table;
    for (std::size_t column = 0; column + 1 < header.size(); ++column) {
        table.features.push_back(RawColumn{header[column], {}});
    }
    table.target.name = "target";
    std::size_t line_number = 1;
    while (read_line(file.get(), path, chunk, line)) {
        ++line_number;
        const auto cells = split_tabs(line);
        if (cells.size() != header.size()) {
            throw common::ConfigError(fmt::format("{}:{}: {} cells, the header has {}",
                                                  path.string(),
                                                  line_number,
                                                  cells.size(),
                                                  header.size()));
        }
        for (std::size_t column = 0; column < cells.size(); ++column) {
            if (cells[column].empty()) {
                throw common::ConfigError(fmt::format(
                    "{}:{}: column '{}' is empty", path.string(), line_number, header[column]));
            }
            RawColumn& target = column + 1 < cells.size() ? table.features[column] : table.target;
            target.cells.emplace_back(cells[column]);
        }
    }
    if (table.rows() == 0) {
        throw common::ConfigError(fmt::format("{}: no data rows", path.string()));
    }
    return table;
}

}  // namespace joulesweep::worker
