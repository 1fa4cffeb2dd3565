#pragma once
// A throwaway database on a server: created empty (replacing a leftover of the same
// name) and dropped again when the object goes away, unless kept. The benchmark and the
// tests use one so that they never touch a real queue.

#include <string>

#include "joulesweep/coordinator/db/connection_target.hpp"

namespace joulesweep::coordinator {

class ScratchDatabase {
public:
    // Connects to `server` (any database on it) and creates `name`, which must be a plain
    // SQL identifier (lower case, digits, underscores). Throws DatabaseError if the server
    // refuses (e.g. the user lacks CREATEDB).
    ScratchDatabase(ConnectionTarget server, std::string name);
    ~ScratchDatabase();

    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;
    ScratchDatabase(ScratchDatabase&&) = delete;
    ScratchDatabase& operator=(ScratchDatabase&&) = delete;

    // The server's target with dbname replaced by the scratch database.
    const ConnectionTarget& target() const noexcept { return target_; }

    const std::string& name() const noexcept { return name_; }

    // Leaves the database in place at destruction (to inspect it afterwards).
    void keep() noexcept { keep_ = true; }

private:
    ConnectionTarget server_;
    std::string name_;
    ConnectionTarget target_;
    bool keep_ = false;
};

}  // namespace joulesweep::coordinator
