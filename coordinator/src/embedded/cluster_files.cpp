#include "cluster_files.hpp"

#include <cerrno>
#include <deque>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream stream(path);
    std::stringstream contents;
    contents << stream.rdbuf();
    return contents.str();
}

void write_text_file(const std::filesystem::path& path,
                     const std::string& text,
                     std::filesystem::perms permissions) {
    {
        std::ofstream stream(path, std::ios::trunc);
        stream << text;
        if (!stream) {
            throw common::StorageError(fmt::format("cannot write {}", path.string()));
        }
    }
    std::filesystem::permissions(path, permissions);
}

std::string last_lines(const std::filesystem::path& path, std::size_t count) {
    std::ifstream stream(path);
    std::deque<std::string> lines;
    std::string line;
    while (std::getline(stream, line)) {
        lines.push_back(line);
        if (lines.size() > count) {
            lines.pop_front();
        }
    }
    std::string joined;
    for (const std::string& kept : lines) {
        joined += "\n    " + kept;
    }
    return joined;
}

void give_to(const std::filesystem::path& path, const std::optional<SystemUser>& user) {
    if (!user) {
        return;
    }
    if (chown(path.c_str(), static_cast<uid_t>(user->uid), static_cast<gid_t>(user->gid)) != 0) {
        throw common::StorageError(fmt::format("cannot give {} to user '{}': {}",
                                               path.string(),
                                               user->name,
                                               std::system_category().message(errno)));
    }
}

void make_private_dir(const std::filesystem::path& path, const std::optional<SystemUser>& user) {
    std::filesystem::create_directories(path);
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    give_to(path, user);
}

}  // namespace joulesweep::coordinator
