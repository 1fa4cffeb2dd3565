#pragma once
// The byte encoding of MPI messages: fixed-width little-endian-as-the-host integers and
// IEEE floats, strings and arrays as a 64-bit length then the elements. Ranks of one job
// run the same binary on the same architecture, so no byte swapping is needed; a reader
// still checks every length against what is left, so a truncated or garbled message is
// an MpiError naming what was being read, never an out-of-bounds read.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace joulesweep::common {

using Bytes = std::vector<std::byte>;

class WireWriter {
public:
    template <typename Value>
    void put(Value value) {
        static_assert(std::is_arithmetic_v<Value>, "put() writes numbers only");
        append(&value, sizeof(value));
    }

    void put_string(std::string_view text);

    template <typename Value>
    void put_array(const std::vector<Value>& values) {
        static_assert(std::is_arithmetic_v<Value>, "put_array() writes numbers only");
        put(static_cast<std::uint64_t>(values.size()));
        append(values.data(), values.size() * sizeof(Value));
    }

    Bytes take() && { return std::move(bytes_); }

private:
    void append(const void* data, std::size_t size);

    Bytes bytes_;
};

class WireReader {
public:
    // `what` names the message in errors ("result from rank 3").
    WireReader(const Bytes& bytes, std::string_view what) : bytes_(bytes), what_(what) {}

    template <typename Value>
    Value get(std::string_view field) {
        static_assert(std::is_arithmetic_v<Value>, "get() reads numbers only");
        Value value{};
        copy_out(&value, sizeof(value), field);
        return value;
    }

    std::string get_string(std::string_view field);

    template <typename Value>
    std::vector<Value> get_array(std::string_view field) {
        static_assert(std::is_arithmetic_v<Value>, "get_array() reads numbers only");
        const auto count = checked_count(field, sizeof(Value));
        std::vector<Value> values(count);
        copy_out(values.data(), count * sizeof(Value), field);
        return values;
    }

    // Throws unless every byte was read: a longer message than expected is as wrong as a
    // shorter one (the two sides disagree about the protocol).
    void expect_end() const;

private:
    void copy_out(void* data, std::size_t size, std::string_view field);
    std::size_t checked_count(std::string_view field, std::size_t element_size);

    const Bytes& bytes_;
    std::string what_;
    std::size_t offset_ = 0;
};

}  // namespace joulesweep::common
