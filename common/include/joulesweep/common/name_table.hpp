#pragma once
// The names of one closed set (a shape, an optimizer, a backend, a task, an error kind,
// a message tag, ...): the only place an enum's values are spelled as text. A table
// formats a value, parses a name (text is parsed once, at the edge: a sweep file, a
// flag, a database row, a message), and lists the allowed names for errors and --help.
//
//     inline constexpr NameTable<Colour, 2> kColourNames{
//         "colour", {{{Colour::kRed, "red"}, {Colour::kBlue, "blue"}}}};
//     kColourNames.name(Colour::kRed)     // "red"
//     kColourNames.parse("green")         // ConfigError: unknown colour 'green'
//                                         //   (expected red or blue)

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace joulesweep::common {

template <typename Enum>
struct NamedValue {
    Enum value;
    std::string_view name;
};

// "a", "a or b", "a, b or c".
std::string join_alternatives(const std::vector<std::string_view>& names);

// Throws ConfigError: "unknown <what> '<name>' (expected <allowed>)".
[[noreturn]] void throw_unknown_name(std::string_view what,
                                     std::string_view name,
                                     const std::vector<std::string_view>& allowed);

template <typename Enum, std::size_t N>
class NameTable {
public:
    constexpr NameTable(std::string_view what, std::array<NamedValue<Enum>, N> entries)
        : what_(what), entries_(entries) {}

    // The value's name; "unknown" for a value outside the table (a corrupt byte).
    constexpr std::string_view name(Enum value) const noexcept {
        for (const NamedValue<Enum>& entry : entries_) {
            if (entry.value == value) {
                return entry.name;
            }
        }
        return "unknown";
    }

    constexpr std::optional<Enum> find(std::string_view name) const noexcept {
        for (const NamedValue<Enum>& entry : entries_) {
            if (entry.name == name) {
                return entry.value;
            }
        }
        return std::nullopt;
    }

    // The value named `name`; throws ConfigError naming the allowed names otherwise.
    Enum parse(std::string_view name) const {
        if (auto value = find(name)) {
            return *value;
        }
        throw_unknown_name(what_, name, names());
    }

    std::vector<std::string_view> names() const {
        std::vector<std::string_view> names;
        names.reserve(N);
        for (const NamedValue<Enum>& entry : entries_) {
            names.push_back(entry.name);
        }
        return names;
    }

    // "auto, eigen, onednn or packed"
    std::string allowed() const { return join_alternatives(names()); }

    constexpr std::string_view what() const noexcept { return what_; }

    constexpr const std::array<NamedValue<Enum>, N>& entries() const noexcept { return entries_; }

private:
    std::string_view what_;
    std::array<NamedValue<Enum>, N> entries_;
};

}  // namespace joulesweep::common
