#include "joulesweep/app/exit_codes.hpp"

#include <boost/program_options/errors.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::app {

int exit_code_for(const std::exception& error) noexcept {
    if (dynamic_cast<const common::ConfigError*>(&error) != nullptr ||
        dynamic_cast<const boost::program_options::error*>(&error) != nullptr) {
        return kExitUsageError;
    }
    if (dynamic_cast<const common::InternalError*>(&error) != nullptr) {
        return kExitInternalError;
    }
    return kExitRuntimeError;
}

}  // namespace joulesweep::app
