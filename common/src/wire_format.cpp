#include "joulesweep/common/wire_format.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

void WireWriter::put_string(std::string_view text) {
    put(static_cast<std::uint64_t>(text.size()));
    append(text.data(), text.size());
}

void WireWriter::append(const void* data, std::size_t size) {
    const auto* first = static_cast<const std::byte*>(data);
    bytes_.insert(bytes_.end(), first, first + size);
}

std::string WireReader::get_string(std::string_view field) {
    const auto count = checked_count(field, 1);
    std::string text(count, '\0');
    copy_out(text.data(), count, field);
    return text;
}

void WireReader::expect_end() const {
    if (offset_ != bytes_.size()) {
        throw MpiError(fmt::format("malformed {}: {} bytes left over after the last field",
                                   what_,
                                   bytes_.size() - offset_));
    }
}

void WireReader::copy_out(void* data, std::size_t size, std::string_view field) {
    if (size > bytes_.size() - offset_) {
        throw MpiError(fmt::format("malformed {}: {} needs {} bytes but only {} are left",
                                   what_,
                                   field,
                                   size,
                                   bytes_.size() - offset_));
    }
    if (size != 0) {
        std::memcpy(data, bytes_.data() + offset_, size);
    }
    offset_ += size;
}

std::size_t WireReader::checked_count(std::string_view field, std::size_t element_size) {
    const auto count = get<std::uint64_t>(field);
    if (count > (bytes_.size() - offset_) / element_size) {
        throw MpiError(fmt::format("malformed {}: {} claims {} elements but only {} bytes are left",
                                   what_,
                                   field,
                                   count,
                                   bytes_.size() - offset_));
    }
    return static_cast<std::size_t>(count);
}

}  // namespace joulesweep::common
