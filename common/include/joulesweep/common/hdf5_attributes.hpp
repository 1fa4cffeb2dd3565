#pragma once
// Scalar attributes on HDF5 objects (files, groups, datasets): text as variable-length
// UTF-8 (h5py reads it as str) and integers as little-endian int64. Errors are
// StorageErrors naming the attribute.

#include <cstdint>
#include <string>

namespace joulesweep::common {

void write_text_attribute(std::int64_t object, const char* name, const std::string& value);
void write_integer_attribute(std::int64_t object, const char* name, std::int64_t value);

std::string read_text_attribute(std::int64_t object, const char* name);
std::int64_t read_integer_attribute(std::int64_t object, const char* name);

}  // namespace joulesweep::common
