#pragma once
// A directory under /tmp removed with its contents at the end of the test. Mode 0755, so
// an embedded PostgreSQL running as an unprivileged user can enter it when tests run as root.

#include <filesystem>

namespace joulesweep::testing {

class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();

    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    TemporaryDirectory(TemporaryDirectory&&) = delete;
    TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace joulesweep::testing
