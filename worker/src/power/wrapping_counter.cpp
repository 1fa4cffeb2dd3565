#include "joulesweep/worker/power/wrapping_counter.hpp"

namespace joulesweep::worker::power {

std::optional<std::uint64_t> WrappingCounter::advance(std::uint64_t value) noexcept {
    const std::uint64_t last = last_;
    last_ = value;
    if (value >= last) {
        return value - last;
    }
    if (!range_ || last > *range_) {
        return std::nullopt;
    }
    ++wraps_;
    return (*range_ - last) + value;
}

}  // namespace joulesweep::worker::power
