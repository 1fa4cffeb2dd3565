#include "joulesweep/app/text_table.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace joulesweep::app {

TEST_CASE("display_width counts code points, not bytes", "[app][status]") {
    CHECK(display_width("") == 0);
    CHECK(display_width("abc") == 3);
    CHECK(display_width("a…") == 2);
    CHECK(display_width("Zürich") == 6);
}

TEST_CASE("format_table aligns text left and numbers right under a rule", "[app][status]") {
    coordinator::ReportTable table;
    table.title = "Queue";
    table.columns = {"sweep", "done"};
    table.numeric = {false, true};
    table.rows = {{"primary", "7"}, {"l…", "1234"}};
    CHECK(format_table(table) ==
          "Queue\n"
          "  sweep    done\n"
          "  -------  ----\n"
          "  primary     7\n"
          "  l…       1234\n");
    table.truncated = true;
    CHECK(format_table(table).ends_with(
        "  … more rows: raise --limit, or query the view with psql\n"));
}

TEST_CASE("format_table says the empty text instead of an empty header", "[app][status]") {
    coordinator::ReportTable table;
    table.title = "Failures";
    table.empty_text = "none";
    table.columns = {"error"};
    table.numeric = {false};
    CHECK(format_table(table) == "Failures\n  none\n");
}

}  // namespace joulesweep::app
