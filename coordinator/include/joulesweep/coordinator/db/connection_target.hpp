#pragma once
// Where the coordinator's one PostgreSQL connection goes: a libpq connection string
// or postgresql:// URI, validated by libpq's own parser before anything connects, with a
// description that names host, port, database and user but never the password.

#include <chrono>
#include <string>
#include <string_view>

namespace joulesweep::coordinator {

struct ConnectionTarget {
    // Normalised libpq keyword/value string handed to the connection; may hold a password.
    std::string conninfo;
    // Safe to print and log: e.g. "host=db1 port=5432 dbname=sweeps user=alice".
    std::string description;
};

// Default bound on connecting: an unreachable server is an error within seconds.
constexpr std::chrono::seconds kDefaultConnectTimeout{5};

// Parses `text` (keyword/value string or URI) with libpq. Throws ConfigError naming
// `source` (e.g. "--db") and libpq's complaint when it is malformed. Adds
// connect_timeout=`connect_timeout` unless the text sets one.
ConnectionTarget parse_connection_target(
    std::string_view text,
    std::string_view source,
    std::chrono::seconds connect_timeout = kDefaultConnectTimeout);

// True when libpq's message for a failed connection says the server refused the login
// (a wrong or missing password, a pg_hba.conf rule, peer or ident authentication): no
// retry can succeed, so the caller reports it at once instead of retrying until its
// connect window ends.
bool is_refused_login(std::string_view libpq_message) noexcept;

// Quotes a value for a libpq keyword/value string: 'it''s' style is not libpq's, so
// backslash-escape quotes and backslashes inside single quotes.
std::string quote_conninfo_value(std::string_view value);

}  // namespace joulesweep::coordinator
