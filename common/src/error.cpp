#include "joulesweep/common/error.hpp"

#include <fmt/format.h>

namespace joulesweep::common {

std::string_view to_text(ErrorKind kind) noexcept {
    return kErrorKindNames.name(kind);
}

void throw_check_failure(std::string_view condition,
                         std::string_view message,
                         std::string_view file,
                         int line) {
    throw InternalError(
        fmt::format("internal check failed at {}:{}: {} ({})", file, line, message, condition));
}

}  // namespace joulesweep::common
