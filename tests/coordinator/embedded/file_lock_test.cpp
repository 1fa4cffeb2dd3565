#include "joulesweep/coordinator/embedded/file_lock.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "temporary_directory.hpp"

namespace joulesweep::coordinator {
namespace {

// Whether another process could take the lock on `path` right now (it tries without waiting).
bool another_process_can_lock(const std::filesystem::path& path) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const int fd = open(path.c_str(), O_RDWR);
        _exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("FileLock: excludes other processes while held and frees on destruction",
          "[coordinator][embedded]") {
    const testing::TemporaryDirectory directory;
    const auto path = directory.path() / "embedded.lock";
    {
        const FileLock lock(path);
        CHECK(std::filesystem::exists(path));
        CHECK_FALSE(another_process_can_lock(path));
    }
    CHECK(another_process_can_lock(path));
}

TEST_CASE("FileLock: a missing directory is a StorageError", "[coordinator][embedded]") {
    CHECK_THROWS_WITH(FileLock("/nonexistent/dir/embedded.lock"),
                      Catch::Contains("cannot open lock file /nonexistent/dir/embedded.lock"));
}

}  // namespace joulesweep::coordinator
