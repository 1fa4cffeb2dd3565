#include "joulesweep/coordinator/embedded/file_lock.hpp"

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

FileLock::FileLock(const std::filesystem::path& path) {
    constexpr mode_t kLockFileMode = 0644;
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kLockFileMode);
    if (fd_ < 0) {
        throw common::StorageError(fmt::format(
            "cannot open lock file {}: {}", path.string(), std::system_category().message(errno)));
    }
    while (flock(fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int lock_errno = errno;
            close(fd_);
            throw common::StorageError(fmt::format(
                "cannot lock {}: {}", path.string(), std::system_category().message(lock_errno)));
        }
    }
}

FileLock::~FileLock() {
    close(fd_);  // releases the flock
}

}  // namespace joulesweep::coordinator
