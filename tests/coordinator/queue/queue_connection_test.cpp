#include "joulesweep/coordinator/queue/queue_connection.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

TEST_CASE("QueueConnection: connection failures are told apart from statement errors",
          "[coordinator][queue]") {
    using common::DatabaseError;
    CHECK(QueueConnection::is_connection_failure(DatabaseError("broken", true)));
    CHECK(QueueConnection::is_connection_failure(DatabaseError("admin shutdown", false, "57P01")));
    CHECK(QueueConnection::is_connection_failure(DatabaseError("starting up", false, "57P03")));
    CHECK(QueueConnection::is_connection_failure(DatabaseError("refused", false, "08006")));
    CHECK(QueueConnection::is_connection_failure(DatabaseError("too many", false, "53300")));
    CHECK_FALSE(QueueConnection::is_connection_failure(DatabaseError("syntax", false, "42601")));
    CHECK_FALSE(QueueConnection::is_connection_failure(DatabaseError("unique", false, "23505")));
}

TEST_CASE("QueueConnection: an unreachable server skips steps and backs off instead of throwing",
          "[coordinator][queue]") {
    // Port 1 on loopback: nothing listens, so the connection is refused at once.
    const ConnectionTarget target =
        parse_connection_target("host=127.0.0.1 port=1 dbname=none user=none", "test");
    int log_lines = 0;
    QueueConnection connection(
        target, QueueOptions{}, ReconnectOptions{}, [&](const std::string&) { ++log_lines; });
    int calls = 0;
    CHECK_FALSE(connection.attempt("claim", [&](RunQueue&) { return ++calls; }).has_value());
    CHECK_FALSE(connection.connected());
    CHECK(connection.unreachable_since().has_value());
    // Within the backoff the next step does not even try to connect.
    CHECK_FALSE(connection.attempt("claim", [&](RunQueue&) { return ++calls; }).has_value());
    CHECK(calls == 0);
    CHECK(log_lines == 1);
}

}  // namespace joulesweep::coordinator
