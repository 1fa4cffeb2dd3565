#include "joulesweep/common/error.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace joulesweep::common {

TEST_CASE("ErrorKind: text names are the stable stored spellings", "[common][error]") {
    CHECK(to_text(ErrorKind::kConfig) == "config");
    CHECK(to_text(ErrorKind::kDatabase) == "database");
    CHECK(to_text(ErrorKind::kMpi) == "mpi");
    CHECK(to_text(ErrorKind::kStorage) == "storage");
    CHECK(to_text(ErrorKind::kPower) == "power");
    CHECK(to_text(ErrorKind::kTraining) == "training");
    CHECK(to_text(ErrorKind::kInternal) == "internal");
    CHECK(to_text(ErrorKind::kProcess) == "process");
}

TEST_CASE("ErrorKind: values are the persisted wire numbers", "[common][error]") {
    CHECK(static_cast<int>(ErrorKind::kConfig) == 1);
    CHECK(static_cast<int>(ErrorKind::kInternal) == 7);
    CHECK(static_cast<int>(ErrorKind::kProcess) == 8);
}

TEST_CASE("Error: subclasses carry their kind and retryability", "[common][error]") {
    const DatabaseError lost("lost the connection", true);
    CHECK(lost.kind() == ErrorKind::kDatabase);
    CHECK(lost.retryable());
    const ConfigError bad("--db: malformed");
    CHECK(bad.kind() == ErrorKind::kConfig);
    CHECK_FALSE(bad.retryable());
    CHECK(std::string(bad.what()) == "--db: malformed");
}

TEST_CASE("JOULESWEEP_CHECK: a failed check throws InternalError naming file and line",
          "[common][error]") {
    const int batch_size = 0;
    try {
        JOULESWEEP_CHECK(batch_size > 0, "batch size must be positive");
        FAIL("the check did not throw");
    } catch (const InternalError& error) {
        const std::string message = error.what();
        CHECK(message.find("error_test.cpp:") != std::string::npos);
        CHECK(message.find("batch size must be positive") != std::string::npos);
        CHECK(message.find("batch_size > 0") != std::string::npos);
    }
    CHECK_NOTHROW([] {
        JOULESWEEP_CHECK(1 + 1 == 2, "arithmetic");
    }());
}

}  // namespace joulesweep::common
