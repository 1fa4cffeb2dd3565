#include "joulesweep/app/text_table.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace joulesweep::app {
namespace {

constexpr std::string_view kColumnGap = "  ";

void append_cell(std::string& line, std::string_view text, std::size_t width, bool right_align) {
    const std::string padding(width - display_width(text), ' ');
    if (right_align) {
        line.append(padding).append(text);
    } else {
        line.append(text).append(padding);
    }
}

std::string finish_line(std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks from the last column
    line.push_back('\n');
    return line;
}

}  // namespace

std::size_t display_width(std::string_view text) {
    constexpr unsigned char kContinuationMask = 0xC0;
    constexpr unsigned char kContinuationBits = 0x80;
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char byte) {
        return (static_cast<unsigned char>(byte) & kContinuationMask) != kContinuationBits;
    }));
}

std::string format_table(const coordinator::ReportTable& table) {
    std::string out = table.title + '\n';
    if (table.rows.empty()) {
        out.append("  ").append(table.empty_text).append("\n");
        return out;
    }
    std::vector<std::size_t> widths;
    widths.reserve(table.columns.size());
    for (std::size_t column = 0; column < table.columns.size(); ++column) {
        std::size_t width = display_width(table.columns[column]);
        for (const auto& row : table.rows) {
            width = std::max(width, display_width(row[column]));
        }
        widths.push_back(width);
    }
    std::string header = "  ";
    std::string rule = "  ";
    for (std::size_t column = 0; column < table.columns.size(); ++column) {
        if (column > 0) {
            header.append(kColumnGap);
            rule.append(kColumnGap);
        }
        append_cell(header, table.columns[column], widths[column], table.numeric[column]);
        rule.append(widths[column], '-');
    }
    out.append(finish_line(header)).append(finish_line(rule));
    for (const auto& row : table.rows) {
        std::string line = "  ";
        for (std::size_t column = 0; column < row.size(); ++column) {
            if (column > 0) {
                line.append(kColumnGap);
            }
            append_cell(line, row[column], widths[column], table.numeric[column]);
        }
        out.append(finish_line(line));
    }
    if (table.truncated) {
        out.append("  … more rows: raise --limit, or query the view with psql\n");
    }
    return out;
}

}  // namespace joulesweep::app
