#include "joulesweep/coordinator/embedded/embedded_postgres.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/text.hpp"
#include "joulesweep/coordinator/embedded/file_lock.hpp"
#include "joulesweep/coordinator/embedded/local_port.hpp"

#include "cluster_files.hpp"

namespace joulesweep::coordinator {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPostgresInstallRoot = "/usr/lib/postgresql";
constexpr int kFirstPortCandidate = 54400;  // above the usual 5432..5439 of system clusters
constexpr int kPortCandidateSpan = 4000;
constexpr int kStartAttempts = 3;  // a chosen port can be taken before the server binds it
constexpr std::size_t kLogLinesInErrors = 15;
constexpr int kPgCtlStatusNotRunning = 3;  // pg_ctl status: "no server running"

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || ptr == text.data()) {
        return std::nullopt;
    }
    return value;
}

std::string random_password() {
    std::random_device device;  // /dev/urandom on Linux
    std::string password;
    for (int word = 0; word < 4; ++word) {
        password += fmt::format("{:08x}", device());
    }
    return password;
}

ProcessResult run_checked(const std::vector<std::string>& argv,
                          const std::optional<SystemUser>& user,
                          std::string_view what) {
    ProcessResult result = run_process(argv, ProcessOptions{user});
    if (result.exit_code != 0) {
        throw common::ProcessError(fmt::format(
            "{} failed (exit {}): {}", what, result.exit_code, common::single_line(result.output)));
    }
    return result;
}

// The numerically newest /usr/lib/postgresql/<major>/bin that has initdb.
std::optional<fs::path> newest_installed_bin_dir() {
    std::optional<fs::path> best;
    int best_major = -1;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(kPostgresInstallRoot, ignored)) {
        const auto major = parse_int(entry.path().filename().string());
        if (major && *major > best_major && fs::exists(entry.path() / "bin" / "initdb")) {
            best_major = *major;
            best = entry.path() / "bin";
        }
    }
    return best;
}

}  // namespace

EmbeddedPostgres::EmbeddedPostgres(EmbeddedPostgresOptions options)
    : options_(std::move(options)),
      home_dir_(fs::weakly_canonical(fs::absolute(options_.home_dir))) {}

void EmbeddedPostgres::report(const std::string& line) const {
    if (options_.on_progress) {
        options_.on_progress(line);
    }
}

fs::path EmbeddedPostgres::cluster_dir() const {
    return home_dir_ / "postgres";
}

fs::path EmbeddedPostgres::socket_dir() const {
    return home_dir_ / "run";
}

std::optional<SystemUser> EmbeddedPostgres::server_user() const {
    if (!is_running_as_root()) {
        return std::nullopt;  // the server runs as whoever runs joulesweep
    }
    return find_system_user(options_.server_user);
}

fs::path EmbeddedPostgres::bin_dir() const {
    if (!options_.server_bin_dir.empty()) {
        if (!fs::exists(options_.server_bin_dir / "pg_ctl")) {
            throw common::ConfigError(
                fmt::format("--pg-bin: {} has no pg_ctl", options_.server_bin_dir.string()));
        }
        return options_.server_bin_dir;
    }
    const fs::path version_file = cluster_dir() / "PG_VERSION";
    if (fs::exists(version_file)) {
        const std::string major = common::single_line(read_text_file(version_file));
        fs::path matching = fs::path(kPostgresInstallRoot) / major / "bin";
        if (!fs::exists(matching / "pg_ctl")) {
            throw common::ConfigError(
                fmt::format("the embedded cluster in {} was created by PostgreSQL {}, whose server "
                            "is not installed at {}; "
                            "install postgresql-{} or pass --pg-bin",
                            cluster_dir().string(),
                            major,
                            matching.string(),
                            major));
        }
        return matching;
    }
    const auto newest = newest_installed_bin_dir();
    if (!newest) {
        throw common::ConfigError(
            fmt::format("no PostgreSQL server found under {}: install the postgresql package "
                        "(scripts/install-deps.sh does) or pass --pg-bin",
                        kPostgresInstallRoot));
    }
    return *newest;
}

int EmbeddedPostgres::stored_port() const {
    const auto port = parse_int(common::single_line(read_text_file(home_dir_ / "postgres.port")));
    return port.value_or(0);
}

void EmbeddedPostgres::initialise_cluster() {
    const auto user = server_user();
    const fs::path staging = home_dir_ / "postgres.initdb";
    const fs::path password_file = home_dir_ / "postgres.initdb-password";
    fs::remove_all(staging);  // left by an initdb that was killed; we hold the lock
    make_private_dir(staging, user);

    const std::string password = random_password();
    write_text_file(password_file, password + "\n", fs::perms::owner_read | fs::perms::owner_write);
    give_to(password_file, user);
    const ProcessResult initdb = run_process({(bin_dir() / "initdb").string(),
                                              "--pgdata=" + staging.string(),
                                              fmt::format("--username={}", kEmbeddedRoleName),
                                              "--auth-local=trust",
                                              "--auth-host=scram-sha-256",
                                              "--pwfile=" + password_file.string(),
                                              "--encoding=UTF8",
                                              "--locale=C.UTF-8",
                                              "--no-instructions"},
                                             ProcessOptions{user});
    fs::remove(password_file);
    if (initdb.exit_code != 0) {
        fs::remove_all(staging);
        throw common::ProcessError(
            fmt::format("initdb of the embedded PostgreSQL in {} failed (exit {}): {}",
                        staging.string(),
                        initdb.exit_code,
                        common::single_line(initdb.output)));
    }
    std::ofstream(staging / "postgresql.conf", std::ios::app)
        << "\n# joulesweep: port and socket settings, rewritten at every start\n"
           "include_if_exists = 'joulesweep.conf'\n";
    write_text_file(home_dir_ / "pgpass",
                    fmt::format("127.0.0.1:*:*:{}:{}\n", kEmbeddedRoleName, password),
                    fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(staging, cluster_dir());  // the cluster appears whole or not at all
}

void EmbeddedPostgres::start_server() {
    const auto user = server_user();
    make_private_dir(socket_dir(), user);
    const fs::path log_file = home_dir_ / "postgres.log";
    std::ofstream(log_file, std::ios::app).close();
    give_to(log_file, user);
    // Only its owner reads the log: errors in it can quote connection details.
    fs::permissions(log_file, fs::perms::owner_read | fs::perms::owner_write);

    int port = stored_port();
    const int preferred =
        kFirstPortCandidate + static_cast<int>(std::hash<std::string>{}(home_dir_.string()) %
                                               static_cast<std::size_t>(kPortCandidateSpan));
    std::string failure;
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
        if (port == 0 || !is_local_port_free(port)) {
            port = find_free_local_port(preferred, kPortCandidateSpan);
        }
        write_text_file(
            cluster_dir() / "joulesweep.conf",
            fmt::format("# Written by joulesweep at every start; edits are overwritten.\n"
                        "port = {}\n"
                        "listen_addresses = '127.0.0.1'\n"
                        "unix_socket_directories = '{}'\n"
                        "unix_socket_permissions = 0700\n"
                        "# A failing statement's text is not logged: it may hold a password\n"
                        "# (CREATE ROLE ... PASSWORD '...').\n"
                        "log_min_error_statement = panic\n",
                        port,
                        socket_dir().string()),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
        give_to(cluster_dir() / "joulesweep.conf", user);
        const ProcessResult started =
            run_process({(bin_dir() / "pg_ctl").string(),
                         "start",
                         "--pgdata=" + cluster_dir().string(),
                         "--log=" + log_file.string(),
                         "--wait",
                         fmt::format("--timeout={}", options_.start_timeout.count()),
                         "--silent"},
                        ProcessOptions{user});
        if (started.exit_code == 0) {
            write_text_file(home_dir_ / "postgres.port",
                            fmt::format("{}\n", port),
                            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);
            return;
        }
        failure = fmt::format("pg_ctl start exit {}: {}; last lines of {}:{}",
                              started.exit_code,
                              common::single_line(started.output),
                              log_file.string(),
                              last_lines(log_file, kLogLinesInErrors));
        port = 0;  // most likely the port was taken meanwhile: choose again
    }
    throw common::ProcessError(fmt::format(
        "the embedded PostgreSQL in {} did not start ({})", cluster_dir().string(), failure));
}

void EmbeddedPostgres::ensure_database(const ConnectionTarget& target) {
    ConnectionTarget maintenance = target;
    maintenance.conninfo += " dbname=postgres";
    pqxx::connection connection(maintenance.conninfo);
    pqxx::nontransaction transaction(connection);
    const bool exists = transaction
                            .exec_params1("SELECT count(*) > 0 FROM pg_database WHERE datname = $1",
                                          kEmbeddedDatabaseName)[0]
                            .as<bool>();
    if (!exists) {
        transaction.exec0(fmt::format("CREATE DATABASE {}", kEmbeddedDatabaseName));
    }
}

ConnectionTarget EmbeddedPostgres::start() {
    fs::create_directories(home_dir_);
    const auto user = server_user();
    if (user) {
        const ProcessResult reachable =
            run_process({"test", "-x", home_dir_.string()}, ProcessOptions{user});
        if (reachable.exit_code != 0) {
            throw common::ConfigError(
                fmt::format("the embedded PostgreSQL runs as user '{}' (PostgreSQL refuses root), "
                            "and '{}' cannot reach {}: "
                            "choose a --data-dir whose parent directories others may enter (e.g. "
                            "/var/tmp/joulesweep), "
                            "or pass --db",
                            user->name,
                            user->name,
                            home_dir_.string()));
        }
    }
    const FileLock lock(home_dir_ / "embedded.lock");
    if (!fs::exists(cluster_dir() / "PG_VERSION")) {
        report(
            fmt::format("creating the embedded PostgreSQL cluster in {}", cluster_dir().string()));
        initialise_cluster();
    }
    if (!status().running) {
        report(fmt::format("starting the embedded PostgreSQL in {}", cluster_dir().string()));
        start_server();
    }
    ConnectionTarget target = socket_target();
    try {
        ensure_database(target);
    } catch (const pqxx::failure& failure) {
        throw common::DatabaseError(
            fmt::format("the embedded PostgreSQL in {} started but cannot be used: {}",
                        home_dir_.string(),
                        common::single_line(failure.what())));
    }
    return target;
}

bool EmbeddedPostgres::stop() {
    if (!fs::exists(home_dir_ / "embedded.lock")) {
        return false;  // never started here
    }
    const FileLock lock(home_dir_ / "embedded.lock");
    if (!status().running) {
        return false;
    }
    run_checked({(bin_dir() / "pg_ctl").string(),
                 "stop",
                 "--pgdata=" + cluster_dir().string(),
                 "--mode=fast",
                 "--wait",
                 "--silent"},
                server_user(),
                fmt::format("stopping the embedded PostgreSQL in {}", cluster_dir().string()));
    return true;
}

EmbeddedStatus EmbeddedPostgres::status() const {
    EmbeddedStatus status;
    status.home_dir = home_dir_;
    status.log_file = home_dir_ / "postgres.log";
    status.initialized = fs::exists(cluster_dir() / "PG_VERSION");
    if (!status.initialized) {
        return status;
    }
    status.cluster_version = common::single_line(read_text_file(cluster_dir() / "PG_VERSION"));
    const ProcessResult checked = run_process(
        {(bin_dir() / "pg_ctl").string(), "status", "--pgdata=" + cluster_dir().string()},
        ProcessOptions{server_user()});
    if (checked.exit_code != 0 && checked.exit_code != kPgCtlStatusNotRunning) {
        throw common::ProcessError(fmt::format("pg_ctl status on {} failed (exit {}): {}",
                                               cluster_dir().string(),
                                               checked.exit_code,
                                               common::single_line(checked.output)));
    }
    status.running = checked.exit_code == 0;
    if (status.running) {
        // postmaster.pid: line 1 the pid, line 4 the port.
        std::istringstream pid_file(read_text_file(cluster_dir() / "postmaster.pid"));
        std::vector<std::string> lines;
        for (std::string line; std::getline(pid_file, line);) {
            lines.push_back(line);
        }
        if (lines.size() >= 4) {
            if (const auto pid = parse_int(lines[0])) {
                status.pid = *pid;
            }
            status.port = parse_int(lines[3]);
        }
    } else if (const int port = stored_port(); port != 0) {
        status.port = port;
    }
    return status;
}

ConnectionTarget EmbeddedPostgres::socket_target() const {
    const int port = stored_port();
    JOULESWEEP_CHECK(port != 0, "the embedded cluster has no port yet; start it first");
    ConnectionTarget target;
    target.conninfo = fmt::format("host={} port={} user={} dbname={} connect_timeout={}",
                                  quote_conninfo_value(socket_dir().string()),
                                  port,
                                  kEmbeddedRoleName,
                                  kEmbeddedDatabaseName,
                                  kDefaultConnectTimeout.count());
    target.description = fmt::format("embedded, host={} port={} dbname={} user={}",
                                     socket_dir().string(),
                                     port,
                                     kEmbeddedDatabaseName,
                                     kEmbeddedRoleName);
    return target;
}

ConnectionTarget EmbeddedPostgres::tcp_target() const {
    const int port = stored_port();
    JOULESWEEP_CHECK(port != 0, "the embedded cluster has no port yet; start it first");
    ConnectionTarget target;
    target.conninfo =
        fmt::format("host=127.0.0.1 port={} user={} dbname={} passfile={} connect_timeout={}",
                    port,
                    kEmbeddedRoleName,
                    kEmbeddedDatabaseName,
                    quote_conninfo_value((home_dir_ / "pgpass").string()),
                    kDefaultConnectTimeout.count());
    target.description = fmt::format("embedded, host=127.0.0.1 port={} dbname={} user={}",
                                     port,
                                     kEmbeddedDatabaseName,
                                     kEmbeddedRoleName);
    return target;
}

}  // namespace joulesweep::coordinator
