#include "joulesweep/coordinator/embedded/process.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

TEST_CASE("run_process: returns exit code and interleaved output", "[coordinator][embedded]") {
    const auto result =
        run_process({"sh", "-c", "echo out; echo err >&2; exit 3"}, ProcessOptions{});
    CHECK(result.exit_code == 3);
    CHECK(result.output == "out\nerr\n");
}

TEST_CASE("run_process: a child killed by a signal reports 128 + signal",
          "[coordinator][embedded]") {
    const auto result = run_process({"sh", "-c", "kill -9 $$"}, ProcessOptions{});
    CHECK(result.exit_code == 128 + 9);
}

TEST_CASE("run_process: a program that does not exist is a ProcessError",
          "[coordinator][embedded]") {
    CHECK_THROWS_AS(run_process({"/nonexistent/initdb"}, ProcessOptions{}), common::ProcessError);
}

TEST_CASE("find_system_user: knows root and rejects unknown users", "[coordinator][embedded]") {
    const auto root = find_system_user("root");
    CHECK(root.uid == 0);
    CHECK_THROWS_WITH(find_system_user("no-such-user-joulesweep"),
                      "there is no system user 'no-such-user-joulesweep'");
}

TEST_CASE("run_process: runs as another user when root", "[coordinator][embedded]") {
    if (!is_running_as_root()) {
        WARN("not root: the user switch is exercised only when tests run as root (as in CI)");
        return;
    }
    const auto nobody = find_system_user("nobody");
    const auto result = run_process({"id", "-u"}, ProcessOptions{nobody});
    CHECK(result.exit_code == 0);
    CHECK(result.output == std::to_string(nobody.uid) + "\n");
}

}  // namespace joulesweep::coordinator
