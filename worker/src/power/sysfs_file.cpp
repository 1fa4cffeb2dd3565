#include "joulesweep/worker/power/sysfs_file.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

int open_or_throw(const std::filesystem::path& file) {
    const int descriptor =
        ::open(file.c_str(), O_RDONLY | O_CLOEXEC);  // NOLINT(cppcoreguidelines-pro-type-vararg)
    if (descriptor < 0) {
        const int error = errno;
        throw common::PowerError(
            fmt::format("cannot open {}: {}{}",
                        file.string(),
                        std::strerror(error),  // NOLINT(concurrency-mt-unsafe)
                        error == EACCES ? " (root only since Linux 5.10)" : ""));
    }
    return descriptor;
}

}  // namespace

std::optional<std::string> read_attribute(const std::filesystem::path& file) {
    std::ifstream stream(file);
    if (!stream) {
        return std::nullopt;
    }
    std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    if (stream.bad()) {
        return std::nullopt;
    }
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    return text;
}

std::optional<std::uint64_t> read_unsigned_attribute(const std::filesystem::path& file) {
    const std::optional<std::string> text = read_attribute(file);
    return text ? parse_unsigned(*text) : std::nullopt;
}

OpenAttribute::OpenAttribute(std::filesystem::path file)
    : file_(std::move(file)), descriptor_(open_or_throw(file_)) {}

OpenAttribute::~OpenAttribute() {
    if (descriptor_ >= 0) {
        ::close(descriptor_);
    }
}

OpenAttribute::OpenAttribute(OpenAttribute&& other) noexcept
    : file_(std::move(other.file_)), descriptor_(std::exchange(other.descriptor_, -1)) {}

std::optional<std::uint64_t> OpenAttribute::read_unsigned(std::string& error) const {
    std::array<char, 64> buffer{};
    const ssize_t size = ::pread(descriptor_, buffer.data(), buffer.size() - 1, 0);
    if (size < 0) {
        error = fmt::format("cannot read {}: {}",
                            file_.string(),
                            std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
        return std::nullopt;
    }
    const std::string_view text(buffer.data(), static_cast<std::size_t>(size));
    std::optional<std::uint64_t> value = parse_unsigned(text);
    if (!value) {
        error = fmt::format("{} holds '{}', not a number", file_.string(), text);
    }
    return value;
}

}  // namespace joulesweep::worker::power
