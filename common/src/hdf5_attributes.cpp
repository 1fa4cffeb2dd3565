#include "joulesweep/common/hdf5_attributes.hpp"

#include <cstdint>
#include <string>

#include <hdf5.h>

#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/hdf5_handle.hpp"

namespace joulesweep::common {
namespace {

Hdf5Handle text_type() {
    Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
    hdf5_check(H5Tset_size(type.get(), H5T_VARIABLE), "make a variable-length string type");
    hdf5_check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "mark a string UTF-8");
    return type;
}

}  // namespace

void write_text_attribute(std::int64_t object, const char* name, const std::string& value) {
    const Hdf5Handle type = text_type();
    const Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar space");
    const Hdf5Handle attribute(
        H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose,
        name);
    const char* text = value.c_str();
    hdf5_check(H5Awrite(attribute.get(), type.get(), static_cast<const void*>(&text)), name);
}

void write_integer_attribute(std::int64_t object, const char* name, std::int64_t value) {
    const Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar space");
    const Hdf5Handle attribute(
        H5Acreate2(object, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose,
        name);
    hdf5_check(H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value), name);
}

std::string read_text_attribute(std::int64_t object, const char* name) {
    const Hdf5Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, name);
    const Hdf5Handle type = text_type();
    char* text = nullptr;
    hdf5_check(H5Aread(attribute.get(), type.get(), static_cast<void*>(&text)), name);
    std::string value = text == nullptr ? std::string() : std::string(text);
    H5free_memory(text);
    return value;
}

std::int64_t read_integer_attribute(std::int64_t object, const char* name) {
    const Hdf5Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, name);
    std::int64_t value = 0;
    hdf5_check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), name);
    return value;
}

}  // namespace joulesweep::common
