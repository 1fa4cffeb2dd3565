#include "joulesweep/coordinator/db/connection_target.hpp"

#include <chrono>
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


// The keywords a reader needs to know which server and database this is.
bool is_described(std::string_view keyword) {
    return keyword == "host" || keyword == "hostaddr" || keyword == "port" || keyword == "dbname" ||
           keyword == "user";
}

}  // namespace

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
        const std::string reason = error ? common::single_line(error.get()) : std::string("out of memory");
        throw common::ConfigError(
            fmt::format("{}: malformed PostgreSQL connection string: {}", source, reason));
    }

    ConnectionTarget target;
    std::vector<std::string> described;
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
        if (is_described(keyword)) {
            described.push_back(fmt::format("{}={}", keyword, option->val));
        }
    }
    if (!has_timeout) {
        if (!target.conninfo.empty()) {
            target.conninfo.push_back(' ');
        }
        target.conninfo += fmt::format("connect_timeout={}", connect_timeout.count());
    }
    target.description =
        described.empty() ? std::string("libpq defaults") : fmt::format("{}", fmt::join(described, " "));
    return target;
}

}  // namespace joulesweep::coordinator
