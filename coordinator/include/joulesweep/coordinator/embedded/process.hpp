#pragma once
// Runs a helper program (initdb, pg_ctl, test) to completion, optionally as another
// user, capturing its output. Used to drive the embedded PostgreSQL, whose tools refuse
// to run as root.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace joulesweep::coordinator {

struct SystemUser {
    std::string name;
    unsigned uid = 0;
    unsigned gid = 0;
};

// Looks `name` up in the user database; throws ConfigError when there is no such user.
SystemUser find_system_user(const std::string& name);

// True when this process runs with root's effective user id.
bool is_running_as_root() noexcept;

struct ProcessOptions {
    // Run the child with this user's uid, gid and no supplementary groups (needs root).
    std::optional<SystemUser> run_as;
    // Standard input comes from /dev/null; these files are closed in the child.
};

struct ProcessResult {
    int exit_code = 0;   // the child's exit status, or 128 + signal number
    std::string output;  // standard output and error, interleaved
};

// Runs argv[0] (an absolute path or a name found on PATH) with the arguments that
// follow and waits for it. Throws ProcessError when it cannot be started at all; a
// non-zero exit is returned, not thrown.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

}  // namespace joulesweep::coordinator
