#include "joulesweep/app/exit_codes.hpp"

#include <stdexcept>

#include <boost/program_options/errors.hpp>
#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::app {

TEST_CASE("exit codes: usage 2, bug 3, anything else 1", "[app]") {
    CHECK(exit_code_for(common::ConfigError("bad option")) == kExitUsageError);
    CHECK(exit_code_for(boost::program_options::unknown_option("--nope")) == kExitUsageError);
    CHECK(exit_code_for(common::InternalError("check failed")) == kExitInternalError);
    CHECK(exit_code_for(common::DatabaseError("gone", true)) == kExitRuntimeError);
    CHECK(exit_code_for(std::runtime_error("other")) == kExitRuntimeError);
    CHECK(kExitUsageError == 2);
    CHECK(kExitInternalError == 3);
    CHECK(kExitRuntimeError == 1);
}

}  // namespace joulesweep::app
