#include "joulesweep/common/error.hpp"

#include <fmt/format.h>

namespace joulesweep::common {

std::string_view to_text(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::kConfig:
            return "config";
        case ErrorKind::kDatabase:
            return "database";
        case ErrorKind::kMpi:
            return "mpi";
        case ErrorKind::kStorage:
            return "storage";
        case ErrorKind::kPower:
            return "power";
        case ErrorKind::kTraining:
            return "training";
        case ErrorKind::kInternal:
            return "internal";
        case ErrorKind::kProcess:
            return "process";
    }
    return "unknown";
}

void throw_check_failure(std::string_view condition,
                         std::string_view message,
                         std::string_view file,
                         int line) {
    throw InternalError(
        fmt::format("internal check failed at {}:{}: {} ({})", file, line, message, condition));
}

}  // namespace joulesweep::common
