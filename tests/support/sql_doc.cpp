#include "sql_doc.hpp"

#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace joulesweep::testing {

std::vector<std::string> sql_examples(const std::string& heading) {
    std::ifstream doc(JOULESWEEP_SQL_DOC);
    REQUIRE(doc);
    std::vector<std::string> examples;
    bool in_section = false;
    bool in_block = false;
    for (std::string line; std::getline(doc, line);) {
        if (line.rfind("## ", 0) == 0) {
            in_section = line == "## " + heading;
        } else if (in_section && line == "```sql") {
            in_block = true;
            examples.emplace_back();
        } else if (in_block && line == "```") {
            in_block = false;
        } else if (in_block) {
            examples.back() += line + "\n";
        }
    }
    return examples;
}

}  // namespace joulesweep::testing
