#include "joulesweep/coordinator/embedded/process.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {
namespace {

constexpr int kExecFailedExitCode = 127;  // as a shell reports "command not found"

std::string describe_errno(int error_number) {
    return std::system_category().message(error_number);
}

// Only async-signal-safe calls between fork and exec: the parent may have threads.
[[noreturn]] void exec_child(const std::vector<char*>& arguments,
                             const ProcessOptions& options,
                             int output_fd) {
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(output_fd, STDOUT_FILENO) < 0 ||
        dup2(output_fd, STDERR_FILENO) < 0) {
        _exit(kExecFailedExitCode);
    }
    if (options.run_as) {
        const auto gid = static_cast<gid_t>(options.run_as->gid);
        const auto uid = static_cast<uid_t>(options.run_as->uid);
        if (setgroups(0, nullptr) != 0 || setresgid(gid, gid, gid) != 0 ||
            setresuid(uid, uid, uid) != 0) {
            _exit(kExecFailedExitCode);
        }
    }
    execvp(arguments[0], arguments.data());
    _exit(kExecFailedExitCode);
}

}  // namespace

SystemUser find_system_user(const std::string& name) {
    std::array<char, 16384> buffer{};
    passwd entry{};
    passwd* found = nullptr;
    const int rc = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc != 0 || found == nullptr) {
        throw common::ConfigError(fmt::format("there is no system user '{}'", name));
    }
    return SystemUser{name, found->pw_uid, found->pw_gid};
}

bool is_running_as_root() noexcept {
    return geteuid() == 0;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    JOULESWEEP_CHECK(!argv.empty(), "run_process needs a program");
    std::vector<std::string> owned(argv);
    std::vector<char*> arguments;
    arguments.reserve(owned.size() + 1);
    for (std::string& argument : owned) {
        arguments.push_back(argument.data());
    }
    arguments.push_back(nullptr);

    std::array<int, 2> pipe_fds{};
    if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
        throw common::ProcessError(
            fmt::format("cannot run {}: pipe: {}", argv[0], describe_errno(errno)));
    }
    const pid_t child = fork();
    if (child < 0) {
        const int fork_errno = errno;
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        throw common::ProcessError(
            fmt::format("cannot run {}: fork: {}", argv[0], describe_errno(fork_errno)));
    }
    if (child == 0) {
        exec_child(arguments, options, pipe_fds[1]);
    }
    close(pipe_fds[1]);

    ProcessResult result;
    std::array<char, 4096> chunk{};
    while (true) {
        const ssize_t count = read(pipe_fds[0], chunk.data(), chunk.size());
        if (count > 0) {
            result.output.append(chunk.data(), static_cast<std::size_t>(count));
        } else if (count == 0 || errno != EINTR) {
            break;
        }
    }
    close(pipe_fds[0]);

    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            throw common::ProcessError(
                fmt::format("cannot wait for {}: {}", argv[0], describe_errno(errno)));
        }
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exit_code = 128 + WTERMSIG(status);
    }
    if (result.exit_code == kExecFailedExitCode && result.output.empty()) {
        throw common::ProcessError(
            fmt::format("cannot run {}: not found, not executable, or "
                        "the user switch failed",
                        argv[0]));
    }
    return result;
}

}  // namespace joulesweep::coordinator
