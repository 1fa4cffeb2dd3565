#pragma once
// Small input files for tests: plain or gzip-compressed text.

#include <filesystem>
#include <string>

namespace joulesweep::testing {

// Both return `path`, so a call can stand where the file's path is needed.
std::filesystem::path write_text_file(const std::filesystem::path& path, const std::string& text);
std::filesystem::path write_gzip_file(const std::filesystem::path& path, const std::string& text);

}  // namespace joulesweep::testing
