#pragma once
// Small text helpers for messages.

#include <string>
#include <string_view>

namespace joulesweep::common {

// Folds every run of whitespace (newlines, tabs) into one space and trims both ends:
// C libraries spread one error over several indented lines, our messages are one line.
std::string single_line(std::string_view text);

}  // namespace joulesweep::common
