#include "joulesweep/common/name_table.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/protocol.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/common/training_choices.hpp"

namespace joulesweep::common {
namespace {

enum class Colour { kRed, kGreen, kBlue, kMissing };

constexpr NameTable<Colour, 3> kColours{
    "colour", {{{Colour::kRed, "red"}, {Colour::kGreen, "green"}, {Colour::kBlue, "blue"}}}};

// Every name of a table parses back to its value, and no two entries share a name.
template <typename Table>
void check_round_trip(const Table& table) {
    INFO(table.what());
    std::vector<std::string_view> seen;
    for (const auto& entry : table.entries()) {
        CHECK(table.name(entry.value) == entry.name);
        CHECK(table.parse(entry.name) == entry.value);
        CHECK(std::find(seen.begin(), seen.end(), entry.name) == seen.end());
        seen.push_back(entry.name);
    }
}

}  // namespace

TEST_CASE("NameTable: names, parses and lists the allowed values", "[common][names]") {
    static_assert(kColours.name(Colour::kGreen) == "green");
    static_assert(kColours.find("blue") == Colour::kBlue);
    CHECK(kColours.name(Colour::kMissing) == "unknown");
    CHECK_FALSE(kColours.find("Red"));
    CHECK(kColours.allowed() == "red, green or blue");
    CHECK_THROWS_WITH(kColours.parse("mauve"),
                      "unknown colour 'mauve' (expected red, green or blue)");
    CHECK_THROWS_AS(kColours.parse(""), ConfigError);
}

TEST_CASE("join_alternatives: one, two and many names", "[common][names]") {
    CHECK(join_alternatives({}).empty());
    CHECK(join_alternatives({"a"}) == "a");
    CHECK(join_alternatives({"a", "b"}) == "a or b");
    CHECK(join_alternatives({"a", "b", "c"}) == "a, b or c");
}

TEST_CASE("the project's name tables round-trip and have distinct names", "[common][names]") {
    check_round_trip(kShapeNames);
    check_round_trip(kOptimizerNames);
    check_round_trip(kBackendNames);
    check_round_trip(kTaskNames);
    check_round_trip(kErrorKindNames);
    check_round_trip(kMessageTagNames);
    CHECK(kShapeNames.entries().size() == kAllShapes.size());
}

}  // namespace joulesweep::common
