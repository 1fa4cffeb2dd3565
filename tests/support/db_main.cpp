// Main of joulesweep_db_tests. Without a test database these tests cannot run: on a
// developer's machine that is a skip (exit 77, shown by CTest), under CI it is a failure.
#define CATCH_CONFIG_RUNNER
#include <cstdlib>
#include <iostream>
#include <string_view>

#include <catch2/catch.hpp>

namespace {

constexpr int kSkipExitCode = 77;  // CTest SKIP_RETURN_CODE

}  // namespace

int main(int argc, char** argv) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts
    if (std::getenv("JOULESWEEP_TEST_DATABASE_URL") == nullptr) {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string_view(ci) == "true") {
            std::cerr << "JOULESWEEP_TEST_DATABASE_URL is not set under CI: scripts/test.sh starts "
                         "the test PostgreSQL and sets it\n";
            return 1;
        }
        std::cerr << "skipped: set JOULESWEEP_TEST_DATABASE_URL or run scripts/test.sh\n";
        return kSkipExitCode;
    }
    return Catch::Session().run(argc, argv);
}
