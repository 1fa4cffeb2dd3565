#pragma once
// An exclusive flock() on a file, held for the object's lifetime. Serialises processes
// (not threads of one process) that manage the same embedded cluster; the kernel drops
// the lock if the holder dies, so a killed command never leaves it stuck.

#include <filesystem>

namespace joulesweep::coordinator {

class FileLock {
public:
    // Creates `path` if needed and blocks until the lock is ours. Throws StorageError.
    explicit FileLock(const std::filesystem::path& path);
    ~FileLock();

    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    FileLock(FileLock&&) = delete;
    FileLock& operator=(FileLock&&) = delete;

private:
    int fd_ = -1;
};

}  // namespace joulesweep::coordinator
