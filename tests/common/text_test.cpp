#include "joulesweep/common/text.hpp"

#include <catch2/catch.hpp>

namespace joulesweep::common {

TEST_CASE("single_line: folds libpq's multi-line errors into one line", "[common][text]") {
    CHECK(single_line(
              "connection to server failed: Connection refused\n\tIs the server running?\n") ==
          "connection to server failed: Connection refused Is the server running?");
    CHECK(single_line("  leading and trailing  ") == "leading and trailing");
    CHECK(single_line("").empty());
    CHECK(single_line("\n\n").empty());
}

}  // namespace joulesweep::common
