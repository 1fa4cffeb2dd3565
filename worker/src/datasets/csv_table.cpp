#include "joulesweep/worker/datasets/csv_table.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <csv.h>
#include <fmt/format.h>
#include <zlib.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

struct GzCloser {
    void operator()(gzFile file) const noexcept { gzclose(file); }
};

struct ParserFree {
    void operator()(csv_parser* parser) const noexcept { csv_free(parser); }
};

// Collects libcsv's callbacks into records; the first one is the header.
struct Records {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> current;
};

void on_field(void* text, std::size_t length, void* data) {
    auto& records = *static_cast<Records*>(data);
    records.current.emplace_back(text == nullptr ? "" : static_cast<const char*>(text), length);
}

void on_record_end(int /*terminator*/, void* data) {
    auto& records = *static_cast<Records*>(data);
    records.rows.push_back(std::move(records.current));
    records.current.clear();
}

std::string listed(const std::vector<std::string>& names) {
    return fmt::format("'{}'", fmt::join(names, "', '"));
}

std::vector<std::vector<std::string>> parse_records(const std::filesystem::path& path,
                                                    char delimiter) {
    const std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
    if (!file) {
        throw common::StorageError(fmt::format(
            "cannot open {}: {}", path.string(), std::generic_category().message(errno)));
    }
    csv_parser parser{};
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
        throw common::StorageError("cannot start the CSV parser: out of memory");
    }
    const std::unique_ptr<csv_parser, ParserFree> owned(&parser);
    csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
    Records records;
    constexpr std::size_t kChunk = 1 << 16;
    std::vector<char> chunk(kChunk);
    while (true) {
        const int read = gzread(file.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
        if (read < 0) {
            int code = Z_OK;
            throw common::StorageError(
                fmt::format("{}: cannot read: {}", path.string(), gzerror(file.get(), &code)));
        }
        if (read == 0) {
            break;
        }
        const auto length = static_cast<std::size_t>(read);
        if (csv_parse(&parser, chunk.data(), length, on_field, on_record_end, &records) != length) {
            throw common::ConfigError(fmt::format("{}: data row {}: {}",
                                                  path.string(),
                                                  records.rows.size(),
                                                  csv_strerror(csv_error(&parser))));
        }
    }
    if (csv_fini(&parser, on_field, on_record_end, &records) != 0) {
        throw common::ConfigError(fmt::format("{}: data row {}: {} (an unclosed quote?)",
                                              path.string(),
                                              records.rows.size(),
                                              csv_strerror(csv_error(&parser))));
    }
    return std::move(records.rows);
}

// Which header columns are the target and the features (in file order).
struct ColumnRoles {
    std::size_t target = 0;
    std::vector<std::size_t> features;
};

void check_names(const std::vector<std::string>& header, const std::string& file) {
    for (std::size_t column = 0; column < header.size(); ++column) {
        if (header[column].empty()) {
            throw common::ConfigError(
                fmt::format("{}: header: column {} has no name", file, column + 1));
        }
        const auto first = std::ranges::find(header, header[column]);
        if (first != header.begin() + static_cast<std::ptrdiff_t>(column)) {
            throw common::ConfigError(
                fmt::format("{}: header: columns {} and {} are both named '{}'",
                            file,
                            first - header.begin() + 1,
                            column + 1,
                            header[column]));
        }
    }
}

ColumnRoles column_roles(const std::vector<std::string>& header,
                         const CsvLayout& layout,
                         const std::string& file) {
    check_names(header, file);
    const auto target = std::ranges::find(header, layout.target_column);
    if (target == header.end()) {
        throw common::ConfigError(
            fmt::format("{}: no column named '{}' to predict; the header names {}",
                        file,
                        layout.target_column,
                        listed(header)));
    }
    for (const std::string& dropped : layout.dropped) {
        if (std::ranges::find(header, dropped) == header.end()) {
            throw common::ConfigError(fmt::format(
                "{}: cannot drop '{}': the header names {}", file, dropped, listed(header)));
        }
    }
    ColumnRoles roles;
    roles.target = static_cast<std::size_t>(target - header.begin());
    for (std::size_t column = 0; column < header.size(); ++column) {
        if (column != roles.target &&
            std::ranges::find(layout.dropped, header[column]) == layout.dropped.end()) {
            roles.features.push_back(column);
        }
    }
    if (roles.features.empty()) {
        throw common::ConfigError(fmt::format(
            "{}: no feature column: the header names only the target and dropped columns", file));
    }
    return roles;
}

// Throws ConfigError unless data row `row` has a cell, not empty, for every column.
void check_row(const std::vector<std::string>& cells,
               const std::vector<std::string>& header,
               std::size_t row,
               const std::string& file) {
    if (cells.size() != header.size()) {
        throw common::ConfigError(fmt::format("{}: data row {}: {} cells, the header has {}",
                                              file,
                                              row,
                                              cells.size(),
                                              header.size()));
    }
    for (std::size_t column = 0; column < cells.size(); ++column) {
        if (cells[column].empty()) {
            throw common::ConfigError(
                fmt::format("{}: data row {}: column '{}' is empty (missing values are not "
                            "imported: fill them, or drop the column with --drop)",
                            file,
                            row,
                            header[column]));
        }
    }
}

}  // namespace

RawTable read_csv_table(const std::filesystem::path& path, const CsvLayout& layout) {
    auto records = parse_records(path, layout.delimiter);
    const std::string file = path.string();
    if (records.empty()) {
        throw common::ConfigError(fmt::format("{}: empty file, expected a header row", file));
    }
    std::vector<std::string>& header = records.front();
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";  // spreadsheets write one
    if (header.front().starts_with(kByteOrderMark)) {
        header.front().erase(0, kByteOrderMark.size());
    }
    const ColumnRoles roles = column_roles(header, layout, file);
    if (records.size() == 1) {
        throw common::ConfigError(fmt::format("{}: a header but no data rows", file));
    }
    RawTable table;
    for (const std::size_t column : roles.features) {
        table.features.push_back(RawColumn{header[column], {}});
        table.features.back().cells.reserve(records.size() - 1);
    }
    table.target.name = header[roles.target];
    for (std::size_t row = 1; row < records.size(); ++row) {
        std::vector<std::string>& cells = records[row];
        check_row(cells, header, row, file);
        for (std::size_t feature = 0; feature < roles.features.size(); ++feature) {
            table.features[feature].cells.push_back(std::move(cells[roles.features[feature]]));
        }
        table.target.cells.push_back(std::move(cells[roles.target]));
    }
    return table;
}

}  // namespace joulesweep::worker
