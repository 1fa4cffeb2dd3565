#include "joulesweep/coordinator/db/connection_target.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

TEST_CASE("parse_connection_target: accepts keyword strings and adds a connect timeout",
          "[coordinator][db]") {
    const auto target =
        parse_connection_target("host=db1 port=5433 dbname=sweeps user=alice", "--db");
    CHECK(target.conninfo.find("host='db1'") != std::string::npos);
    CHECK(target.conninfo.find("port='5433'") != std::string::npos);
    CHECK(target.conninfo.find("connect_timeout=5") != std::string::npos);
    CHECK(target.description == "host=db1 port=5433 dbname=sweeps user=alice");
}

TEST_CASE("parse_connection_target: accepts postgresql:// URIs", "[coordinator][db]") {
    const auto target = parse_connection_target("postgresql://alice@db1:5433/sweeps", "--db");
    CHECK(target.description == "host=db1 port=5433 dbname=sweeps user=alice");
}

TEST_CASE("parse_connection_target: keeps a timeout the user set", "[coordinator][db]") {
    const auto target =
        parse_connection_target("host=db1 connect_timeout=30", "--db", std::chrono::seconds(5));
    CHECK(target.conninfo.find("connect_timeout='30'") != std::string::npos);
    CHECK(target.conninfo.find("connect_timeout=5") == std::string::npos);
}

TEST_CASE("parse_connection_target: never puts the password in the description",
          "[coordinator][db]") {
    const auto keyword = parse_connection_target("host=db1 user=alice password=hunter2", "--db");
    CHECK(keyword.description.find("hunter2") == std::string::npos);
    CHECK(keyword.conninfo.find("hunter2") != std::string::npos);
    const auto uri = parse_connection_target("postgresql://alice:hunter2@db1/sweeps", "--db");
    CHECK(uri.description.find("hunter2") == std::string::npos);
}

TEST_CASE("parse_connection_target: a malformed string is a ConfigError naming the source",
          "[coordinator][db]") {
    const auto message_for = [](const std::string& text) {
        try {
            parse_connection_target(text, "--db");
        } catch (const common::ConfigError& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    CHECK(message_for("host=db1 port").find("--db: malformed PostgreSQL connection string: ") == 0);
    CHECK(message_for("nosuchkeyword=1").find("nosuchkeyword") != std::string::npos);
    CHECK(message_for("postgresql://db1:5432/x?nosuchparameter=1").find("--db: malformed") == 0);
    CHECK(message_for("") == "--db: the connection string is empty");
}

TEST_CASE("quote_conninfo_value: escapes quotes, backslashes and spaces survive",
          "[coordinator][db]") {
    CHECK(quote_conninfo_value("plain") == "'plain'");
    CHECK(quote_conninfo_value("/tmp/my dir") == "'/tmp/my dir'");
    CHECK(quote_conninfo_value(R"(it's\x)") == R"('it\'s\\x')");
    const auto target =
        parse_connection_target("host=" + quote_conninfo_value("/tmp/it's here"), "--db");
    CHECK(target.description == "host=/tmp/it's here");
}

TEST_CASE("is_refused_login: libpq's refusals of a login, not an unreachable server",
          "[coordinator][db]") {
    CHECK(is_refused_login(
        "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
        "authentication failed for user \"joulesweep\""));
    CHECK(
        is_refused_login("connection to server on socket \"/run/x/.s.PGSQL.5432\" failed: "
                         "fe_sendauth: no password supplied"));
    CHECK(is_refused_login("FATAL:  Peer authentication failed for user \"alice\""));
    CHECK(is_refused_login(
        "FATAL:  pg_hba.conf rejects connection for host \"10.0.0.7\", user \"alice\""));
    CHECK_FALSE(is_refused_login(
        "connection to server at \"127.0.0.1\", port 1 failed: Connection refused"));
    CHECK_FALSE(is_refused_login("FATAL:  the database system is starting up"));
    CHECK_FALSE(is_refused_login("FATAL:  sorry, too many clients already"));
}

}  // namespace joulesweep::coordinator
