#include "joulesweep/common/name_table.hpp"

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

std::string join_alternatives(const std::vector<std::string_view>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            text += i + 1 == names.size() ? " or " : ", ";
        }
        text += names[i];
    }
    return text;
}

void throw_unknown_name(std::string_view what,
                        std::string_view name,
                        const std::vector<std::string_view>& allowed) {
    throw ConfigError(
        fmt::format("unknown {} '{}' (expected {})", what, name, join_alternatives(allowed)));
}

}  // namespace joulesweep::common
