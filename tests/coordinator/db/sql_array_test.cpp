#include "joulesweep/coordinator/db/sql_array.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace joulesweep::coordinator {

TEST_CASE("sql_array: floats in shortest round-trip form, specials in PostgreSQL spelling",
          "[coordinator][db]") {
    CHECK(sql_array(std::vector<float>{}) == "{}");
    CHECK(sql_array(std::vector<float>{0.1F, 1.0F, -2.5F}) == "{0.1,1,-2.5}");
    CHECK(sql_array(std::vector<float>{std::nanf(""),
                                       std::numeric_limits<float>::infinity(),
                                       -std::numeric_limits<float>::infinity()}) ==
          "{NaN,Infinity,-Infinity}");
    CHECK(sql_array(std::vector<float>{1.0F / 3.0F}) == "{0.33333334}");
}

TEST_CASE("sql_array: integers", "[coordinator][db]") {
    CHECK(sql_array(std::vector<std::int64_t>{}) == "{}");
    CHECK(sql_array(std::vector<std::int64_t>{17, 17, 1}) == "{17,17,1}");
    CHECK(sql_array(std::vector<std::int64_t>{std::int64_t{1} << 40}) == "{1099511627776}");
}

TEST_CASE("sql_array: text elements quoted, escaped, and NULL for nullopt", "[coordinator][db]") {
    CHECK(sql_array(std::vector<std::string>{}) == "{}");
    CHECK(sql_array(std::vector<std::string>{"a", R"(it's "x"\y)", "{1,2}"}) ==
          R"({"a","it's \"x\"\\y","{1,2}"})");
    CHECK(sql_array(std::vector<std::optional<std::string>>{"job 7", std::nullopt}) ==
          R"({"job 7",NULL})");
}

}  // namespace joulesweep::coordinator
