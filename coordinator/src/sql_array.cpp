#include "joulesweep/coordinator/sql_array.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace joulesweep::coordinator {
namespace {

void append_float(std::string& text, float value) {
    if (std::isnan(value)) {
        text += "NaN";
    } else if (std::isinf(value)) {
        text += value > 0 ? "Infinity" : "-Infinity";
    } else {
        fmt::format_to(std::back_inserter(text), "{}", value);  // shortest round-trip form
    }
}

}  // namespace

std::string sql_array(const std::vector<float>& values) {
    std::string text = "{";
    for (std::size_t index = 0; index < values.size(); ++index) {
        if (index > 0) {
            text.push_back(',');
        }
        append_float(text, values[index]);
    }
    text.push_back('}');
    return text;
}

std::string sql_array(const std::vector<std::int64_t>& values) {
    return fmt::format("{{{}}}", fmt::join(values, ","));
}

}  // namespace joulesweep::coordinator
