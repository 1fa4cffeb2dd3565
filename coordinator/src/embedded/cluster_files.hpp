#pragma once
// The embedded cluster's small files: its settings, password and logs, read and written
// whole; and its directories, private and handed to the server user when we run as root.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "joulesweep/coordinator/embedded/process.hpp"

namespace joulesweep::coordinator {

std::string read_text_file(const std::filesystem::path& path);

// Throws StorageError when the file cannot be written.
void write_text_file(const std::filesystem::path& path,
                     const std::string& text,
                     std::filesystem::perms permissions);

// The last `count` lines, each on a new line indented by four spaces (for errors).
std::string last_lines(const std::filesystem::path& path, std::size_t count);

// Hands a path we created to the server user, so PostgreSQL can use it. Nothing
// without a user (we are that user).
void give_to(const std::filesystem::path& path, const std::optional<SystemUser>& user);

// Creates `path` (and its parents), mode 0700, owned by `user`.
void make_private_dir(const std::filesystem::path& path, const std::optional<SystemUser>& user);

}  // namespace joulesweep::coordinator
