#pragma once
// The project's exception types. Every exception that leaves a module is a
// joulesweep::common::Error. Third-party exceptions are translated where they are
// first caught: coordinator/src/db/database.cpp (pqxx), common/src/hdf5_call.cpp
// (HDF5), common/src/mpi_call.cpp (MPI).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "joulesweep/common/name_table.hpp"

namespace joulesweep::common {

// Stored as text in the database and sent over MPI as an integer: the values are
// part of the persistent format, never renumber, only append.
enum class ErrorKind : std::int16_t {
    kConfig = 1,    // bad command line, config file or experiment spec; fix input, do not retry
    kDatabase = 2,  // PostgreSQL; retryable if the connection broke
    kMpi = 3,
    kStorage = 4,   // HDF5 and filesystem
    kPower = 5,     // RAPL/IPMI counters
    kTraining = 6,  // divergence, NaN loss, shape mismatch in a spec
    kInternal = 7,  // a bug: a failed JOULESWEEP_CHECK
    kProcess = 8,   // a child process (initdb, pg_ctl) could not run or failed
};

// The stable text of an ErrorKind, as stored in SQL.
inline constexpr NameTable<ErrorKind, 8> kErrorKindNames{"error kind",
                                                         {{{ErrorKind::kConfig, "config"},
                                                           {ErrorKind::kDatabase, "database"},
                                                           {ErrorKind::kMpi, "mpi"},
                                                           {ErrorKind::kStorage, "storage"},
                                                           {ErrorKind::kPower, "power"},
                                                           {ErrorKind::kTraining, "training"},
                                                           {ErrorKind::kInternal, "internal"},
                                                           {ErrorKind::kProcess, "process"}}}};

// "config", "database", ... (kErrorKindNames).
std::string_view to_text(ErrorKind kind) noexcept;

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, bool retryable = false)
        : std::runtime_error(message), kind_(kind), retryable_(retryable) {}

    ErrorKind kind() const noexcept { return kind_; }

    bool retryable() const noexcept { return retryable_; }

private:
    ErrorKind kind_;
    bool retryable_;
};

class ConfigError : public Error {
public:
    explicit ConfigError(const std::string& message) : Error(ErrorKind::kConfig, message) {}
};

class DatabaseError : public Error {
public:
    explicit DatabaseError(const std::string& message,
                           bool retryable = false,
                           std::string sqlstate = {})
        : Error(ErrorKind::kDatabase, message, retryable), sqlstate_(std::move(sqlstate)) {}

    // The server's five-character error code ("42501"); empty when there was none (no
    // connection) or the client library did not pass it on.
    const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

class MpiError : public Error {
public:
    explicit MpiError(const std::string& message) : Error(ErrorKind::kMpi, message) {}
};

class StorageError : public Error {
public:
    explicit StorageError(const std::string& message) : Error(ErrorKind::kStorage, message) {}
};

// A power or energy counter could not be found, opened or read (RAPL, perf, IPMI).
class PowerError : public Error {
public:
    explicit PowerError(const std::string& message) : Error(ErrorKind::kPower, message) {}
};

class ProcessError : public Error {
public:
    explicit ProcessError(const std::string& message) : Error(ErrorKind::kProcess, message) {}
};

class InternalError : public Error {
public:
    explicit InternalError(const std::string& message) : Error(ErrorKind::kInternal, message) {}
};

// Throws InternalError naming file and line; used by JOULESWEEP_CHECK only.
[[noreturn]] void throw_check_failure(std::string_view condition,
                                      std::string_view message,
                                      std::string_view file,
                                      int line);

}  // namespace joulesweep::common

// A programmer-error check that stays on in release builds: a wrong number silently
// recorded in a research database is worse than a stopped job. Never reachable from
// user input; bad input is a ConfigError.
#define JOULESWEEP_CHECK(condition, message)                                                      \
    do {                                                                                          \
        if (!(condition)) {                                                                       \
            ::joulesweep::common::throw_check_failure(#condition, (message), __FILE__, __LINE__); \
        }                                                                                         \
    } while (false)
