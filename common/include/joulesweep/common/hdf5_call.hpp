#pragma once
// The one checked-call point for the HDF5 C API: hdf5_check turns a negative status
// into a StorageError carrying HDF5's own error stack text, and HDF5's automatic
// printing to stderr is silenced so that errors surface once, as exceptions.

#include <cstdint>
#include <string>
#include <string_view>

namespace joulesweep::common {

// Throws StorageError("<what>: <HDF5 major/minor message>") when status < 0, and
// returns status otherwise so ids can be checked inline: `hid_t f = hdf5_check(H5Fopen(...))`.
std::int64_t hdf5_check(std::int64_t status, std::string_view what);

// The linked HDF5 library's version, e.g. "1.10.8".
std::string hdf5_library_version();

}  // namespace joulesweep::common
