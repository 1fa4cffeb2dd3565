#pragma once
// joulesweep's private PostgreSQL cluster, used when no database is given. It lives in
// the joulesweep home directory (default ./.joulesweep):
//   postgres/        the cluster (initdb), owned by the server user
//   run/             the private Unix socket directory (mode 0700)
//   postgres.log     the server log
//   postgres.port    the TCP port last used on 127.0.0.1 (password auth, see pgpass)
//   pgpass           libpq password file for TCP clients (mode 0600)
//   embedded.lock    flock()ed by every start and stop, so concurrent commands never race
// When joulesweep runs as root the server runs as an unprivileged user (PostgreSQL
// refuses root). Every method is safe to call from several processes at once.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "joulesweep/coordinator/db/connection_target.hpp"
#include "joulesweep/coordinator/embedded/process.hpp"

namespace joulesweep::coordinator {

struct EmbeddedPostgresOptions {
    // The joulesweep home directory. Created on first start.
    std::filesystem::path home_dir = ".joulesweep";
    // Directory holding initdb, pg_ctl and postgres. Empty: the one matching an existing
    // cluster, else the newest /usr/lib/postgresql/<major>/bin.
    std::filesystem::path server_bin_dir;
    // When running as root, the unprivileged user that owns and runs the cluster.
    std::string server_user = "postgres";
    // Called with one line before slow steps (initdb, server start), for progress output.
    std::function<void(const std::string&)> on_progress;
    // How long `start` waits for the server to accept connections.
    std::chrono::seconds start_timeout{60};
};

struct EmbeddedStatus {
    bool initialized = false;        // postgres/PG_VERSION exists
    bool running = false;            // pg_ctl status says a postmaster is alive
    std::optional<long> pid;         // postmaster pid while running
    std::optional<int> port;         // TCP port (also names the socket file)
    std::string cluster_version;     // PG_VERSION, e.g. "15"
    std::filesystem::path home_dir;  // absolute
    std::filesystem::path log_file;
};

// The database and role that initdb creates for joulesweep.
constexpr const char* kEmbeddedDatabaseName = "joulesweep";
constexpr const char* kEmbeddedRoleName = "joulesweep";

class EmbeddedPostgres {
public:
    explicit EmbeddedPostgres(EmbeddedPostgresOptions options);

    // Creates the cluster if needed, starts it if it is not running and makes sure the
    // joulesweep database exists. Returns how to connect (over the private socket).
    // Throws ConfigError for unusable paths or users, ProcessError with the server
    // log's last lines when PostgreSQL fails to initialise or start.
    ConnectionTarget start();

    // Stops the server (fast shutdown: sessions are disconnected, data is kept).
    // Returns false when it was not running.
    bool stop();

    EmbeddedStatus status() const;

    // How to connect over the private socket; requires an initialised cluster.
    ConnectionTarget socket_target() const;

    // How to connect over TCP on 127.0.0.1 with the password in the pgpass file.
    ConnectionTarget tcp_target() const;

private:
    void report(const std::string& line) const;
    std::filesystem::path cluster_dir() const;
    std::filesystem::path socket_dir() const;
    std::filesystem::path bin_dir() const;
    int stored_port() const;
    std::optional<SystemUser> server_user() const;
    void initialise_cluster();
    void start_server();
    static void ensure_database(const ConnectionTarget& target);

    const EmbeddedPostgresOptions options_;
    const std::filesystem::path home_dir_;  // absolute
};

}  // namespace joulesweep::coordinator
