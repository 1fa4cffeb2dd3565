#include "joulesweep/worker/datasets/csv_table.hpp"

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
    std::vector<bool> seen_dropped(layout.dropped.size(), false);
    std::optional<std::size_t> target;
    std::vector<std::size_t> features;
    for (std::size_t column = 0; column < header.size(); ++column) {
        const std::string& name = header[column];
        if (name.empty()) {
            throw common::ConfigError(
                fmt::format("{}: header: column {} has no name", file, column + 1));
        }
        for (std::size_t earlier = 0; earlier < column; ++earlier) {
            if (header[earlier] == name) {
                throw common::ConfigError(
                    fmt::format("{}: header: columns {} and {} are both named '{}'",
                                file,
                                earlier + 1,
                                column + 1,
                                name));
            }
        }
        bool dropped = false;
        for (std::size_t drop = 0; drop < layout.dropped.size(); ++drop) {
            if (layout.dropped[drop] == name) {
                seen_dropped[drop] = true;
                dropped = true;
            }
        }
        if (name == layout.target_column) {
            target = column;
        } else if (!dropped) {
            features.push_back(column);
        }
    }
    if (!target) {
        throw common::ConfigError(
            fmt::format("{}: no column named '{}' to predict; the header names {}",
                        file,
                        layout.target_column,
                        listed(header)));
    }
    for (std::size_t drop = 0; drop < layout.dropped.size(); ++drop) {
        if (!seen_dropped[drop]) {
            throw common::ConfigError(fmt::format("{}: cannot drop '{}': the header names {}",
                                                  file,
                                                  layout.dropped[drop],
                                                  listed(header)));
        }
    }
    if (features.empty()) {
        throw common::ConfigError(fmt::format(
            "{}: no feature column: the header names only the target and dropped columns", file));
    }
    if (records.size() == 1) {
        throw common::ConfigError(fmt::format("{}: a header but no data rows", file));
    }
    RawTable table;
    for (const std::size_t column : features) {
        table.features.push_back(RawColumn{header[column], {}});
        table.features.back().cells.reserve(records.size() - 1);
    }
    table.target.name = header[*target];
    for (std::size_t row = 1; row < records.size(); ++row) {
        std::vector<std::string>& cells = records[row];
        if (cells.size() != header.size()) {
            throw common::ConfigError(fmt::format("{}: data row {}: {} cells, the header has {}",
                                                  file,
                                                  row,
                                                  cells.size(),
                                                  header.size()));
        }
        for (std::size_t column = 0; column < cells.size(); ++column) {
            if (cells[column].empty()) {
                throw common::ConfigError(fmt::format(
                    "{}: data row {}: column '{}' is empty (missing values are not imported: "
                    "fill them, or drop the column with --drop)",
                    file,
                    row,
                    header[column]));
            }
        }
        for (std::size_t feature = 0; feature < features.size(); ++feature) {
            table.features[feature].cells.push_back(std::move(cells[features[feature]]));
        }
        table.target.cells.push_back(std::move(cells[*target]));
    }
    return table;
}

}  // namespace joulesweep::worker
