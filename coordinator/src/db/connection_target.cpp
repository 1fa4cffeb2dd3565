#include "joulesweep/coordinator/db/connection_target.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/text.hpp"

namespace joulesweep::coordinator {
namespace {

struct ConninfoOptionsDeleter {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

struct PqFreeDeleter {
    void operator()(char* text) const { PQfreemem(text); }
};

// The keywords a reader needs to know which server and database this is, in the
// order they are printed.
constexpr std::array<std::string_view, 5> kDescribedKeywords{
    "host", "hostaddr", "port", "dbname", "user"};

}  // namespace

bool is_refused_login(std::string_view libpq_message) noexcept {
    constexpr std::array<std::string_view, 4> kRefusals{
        "authentication failed",  // password, peer, ident, SCRAM
        "no password supplied",
        "pg_hba.conf rejects connection",
        "password is required",
    };
    return std::ranges::any_of(kRefusals, [&](std::string_view refusal) {
        return libpq_message.find(refusal) != std::string_view::npos;
    });
}

std::string quote_conninfo_value(std::string_view value) {
    std::string quoted = "'";
    for (const char character : value) {
        if (character == '\'' || character == '\\') {
            quoted.push_back('\\');
        }
        quoted.push_back(character);
    }
    quoted.push_back('\'');
    return quoted;
}

ConnectionTarget parse_connection_target(std::string_view text,
                                         std::string_view source,
                                         std::chrono::seconds connect_timeout) {
    if (text.empty()) {
        throw common::ConfigError(fmt::format("{}: the connection string is empty", source));
    }
    const std::string owned(text);
    char* raw_error = nullptr;
    const std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter> options(
        PQconninfoParse(owned.c_str(), &raw_error));
    const std::unique_ptr<char, PqFreeDeleter> error(raw_error);
    if (!options) {
        const std::string reason =
            error ? common::single_line(error.get()) : std::string("out of memory");
        throw common::ConfigError(
            fmt::format("{}: malformed PostgreSQL connection string: {}", source, reason));
    }

    ConnectionTarget target;
    std::map<std::string_view, std::string> described_values;
    bool has_timeout = false;
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val == nullptr) {
            continue;
        }
        const std::string_view keyword(option->keyword);
        if (!target.conninfo.empty()) {
            target.conninfo.push_back(' ');
        }
        target.conninfo += fmt::format("{}={}", keyword, quote_conninfo_value(option->val));
        has_timeout = has_timeout || keyword == "connect_timeout";
        if (std::find(kDescribedKeywords.begin(), kDescribedKeywords.end(), keyword) !=
            kDescribedKeywords.end()) {
            described_values[keyword] = option->val;
        }
    }
    if (!has_timeout) {
        if (!target.conninfo.empty()) {
            target.conninfo.push_back(' ');
        }
        target.conninfo += fmt::format("connect_timeout={}", connect_timeout.count());
    }
    std::vector<std::string> described;
    for (const std::string_view keyword : kDescribedKeywords) {
        if (const auto found = described_values.find(keyword); found != described_values.end()) {
            described.push_back(fmt::format("{}={}", keyword, found->second));
        }
    }
    target.description = described.empty() ? std::string("libpq defaults")
                                           : fmt::format("{}", fmt::join(described, " "));
    return target;
}

}  // namespace joulesweep::coordinator
