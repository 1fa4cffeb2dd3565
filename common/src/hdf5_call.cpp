#include "joulesweep/common/hdf5_call.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {
namespace {

// Collects the innermost message of HDF5's error stack (the most specific one).
herr_t remember_message(unsigned /*position*/, const H5E_error2_t* error, void* client_data) {
    auto* message = static_cast<std::string*>(client_data);
    if (message->empty() && error->desc != nullptr) {
        *message = fmt::format("{} (in {})", error->desc, error->func_name);
    }
    return 0;
}

std::string current_error_text() {
    std::string message;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, remember_message, &message);
    H5Eclear2(H5E_DEFAULT);
    return message.empty() ? std::string("unknown HDF5 error") : message;
}

void silence_automatic_printing() {
    // Idempotent; errors are reported by hdf5_check as exceptions instead.
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

}  // namespace

std::int64_t hdf5_check(std::int64_t status, std::string_view what) {
    if (status >= 0) {
        return status;
    }
    silence_automatic_printing();
    throw StorageError(fmt::format("{}: {}", what, current_error_text()));
}

std::string hdf5_library_version() {
    silence_automatic_printing();
    unsigned major = 0;
    unsigned minor = 0;
    unsigned release = 0;
    hdf5_check(H5get_libversion(&major, &minor, &release), "read the HDF5 library version");
    return fmt::format("{}.{}.{}", major, minor, release);
}

}  // namespace joulesweep::common
