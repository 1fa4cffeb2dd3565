#pragma once
// SHA-256 of a file, as lower-case hex: how dataset sources are verified.

#include <filesystem>
#include <string>

namespace joulesweep::worker {

// Throws StorageError when the file cannot be read.
std::string sha256_of_file(const std::filesystem::path& path);

}  // namespace joulesweep::worker
