#include "joulesweep/coordinator/db/sql_array.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace joulesweep::coordinator {
namespace {

template <typename Real>
void append_float(std::string& text, Real value) {
    if (std::isnan(value)) {
        text += "NaN";
    } else if (std::isinf(value)) {
        text += value > 0 ? "Infinity" : "-Infinity";
    } else {
        fmt::format_to(std::back_inserter(text), "{}", value);  // shortest round-trip form
    }
}

void append_quoted(std::string& text, const std::string& value) {
    text.push_back('"');
    for (const char character : value) {
        if (character == '"' || character == '\\') {
            text.push_back('\\');
        }
        text.push_back(character);
    }
    text.push_back('"');
}

// "{a,b,c}" with each element written by append(text, element).
template <typename Values, typename Append>
std::string array_literal(const Values& values, Append append) {
    std::string text = "{";
    for (std::size_t index = 0; index < values.size(); ++index) {
        if (index > 0) {
            text.push_back(',');
        }
        append(text, values[index]);
    }
    text.push_back('}');
    return text;
}

}  // namespace

std::string sql_array(const std::vector<float>& values) {
    return array_literal(values, append_float<float>);
}

std::string sql_array(const std::vector<double>& values) {
    return array_literal(values, append_float<double>);
}

std::string sql_array(const std::vector<int>& values) {
    return array_literal(values, [](std::string& text, int value) {
        fmt::format_to(std::back_inserter(text), "{}", value);
    });
}

std::string sql_array_nan_as_null(const std::vector<float>& values) {
    return array_literal(values, [](std::string& text, float value) {
        if (std::isnan(value)) {
            text += "NULL";
        } else {
            append_float(text, value);
        }
    });
}

std::string sql_array(const std::vector<std::int64_t>& values) {
    return fmt::format("{{{}}}", fmt::join(values, ","));
}

std::string sql_array(const std::vector<std::string>& values) {
    return array_literal(values, append_quoted);
}

std::string sql_array(const std::vector<std::optional<std::string>>& values) {
    return array_literal(values, [](std::string& text, const std::optional<std::string>& value) {
        if (value) {
            append_quoted(text, *value);
        } else {
            text += "NULL";
        }
    });
}

}  // namespace joulesweep::coordinator
