#include "joulesweep/common/hdf5_handle.hpp"

#include <cstdint>
#include <string_view>

#include "joulesweep/common/hdf5_call.hpp"

namespace joulesweep::common {

Hdf5Handle::Hdf5Handle(std::int64_t id, Closer closer, std::string_view what)
    : id_(hdf5_check(id, what)), closer_(closer) {}

Hdf5Handle::~Hdf5Handle() {
    if (id_ >= 0) {
        closer_(id_);  // a failed close in a destructor has nowhere to go
    }
}

}  // namespace joulesweep::common
