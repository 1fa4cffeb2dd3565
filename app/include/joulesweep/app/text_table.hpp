#pragma once
// Lays out a report table for a terminal: a title, a header, a rule, and columns padded
// to their widest cell (numbers right-aligned, text left-aligned).

#include <string>
#include <string_view>

#include "joulesweep/coordinator/reports/queue_report.hpp"

namespace joulesweep::app {

// Columns on screen: UTF-8 code points, so "…" counts as one.
std::size_t display_width(std::string_view text);

// The table as lines ending in '\n'; a table without rows prints its empty_text under
// its title instead of an empty header.
std::string format_table(const coordinator::ReportTable& table);

}  // namespace joulesweep::app
