#pragma once
// Owns one HDF5 identifier (file, group, dataset, dataspace, property list, attribute,
// type) and closes it with the matching H5?close when it goes out of scope.

#include <cstdint>
#include <string_view>
#include <utility>

namespace joulesweep::common {

class Hdf5Handle {
public:
    using Closer = int (*)(std::int64_t);

    // Takes `id` after checking it (hdf5_check with `what`); `closer` is H5Fclose etc.
    Hdf5Handle(std::int64_t id, Closer closer, std::string_view what);
    ~Hdf5Handle();

    Hdf5Handle(const Hdf5Handle&) = delete;
    Hdf5Handle& operator=(const Hdf5Handle&) = delete;

    Hdf5Handle(Hdf5Handle&& other) noexcept
        : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}

    Hdf5Handle& operator=(Hdf5Handle&&) = delete;

    std::int64_t get() const noexcept { return id_; }

private:
    std::int64_t id_;
    Closer closer_;
};

}  // namespace joulesweep::common
