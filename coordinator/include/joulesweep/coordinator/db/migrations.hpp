#pragma once
// The schema migrations compiled into this binary from schema/migrations, and the
// runner that applies them: each pending migration in its own transaction, serialised
// across processes by an advisory lock, recorded in schema_migrations with a checksum.

#include <string>
#include <vector>

#include "joulesweep/coordinator/db/database.hpp"

namespace joulesweep::coordinator {

struct Migration {
    int version = 0;   // NNNN of the file name; applied in increasing order
    std::string name;  // <verb>_<noun> of the file name
    std::string sql;
};

// Every migration this binary knows, ordered by version (generated at build time).
const std::vector<Migration>& known_migrations();

struct SchemaState {
    int applied_version = 0;   // newest version recorded in the database; 0 = none
    int known_version = 0;     // newest version this binary knows
    std::vector<int> pending;  // known versions not yet applied, in order

    bool is_current() const noexcept { return pending.empty() && applied_version == known_version; }

    bool is_newer_than_binary() const noexcept { return applied_version > known_version; }
};

// One line for people: "version 1 (current)", "version 0 of 1: 1 migration pending, run
// `joulesweep db migrate`" or "version 7, newer than this joulesweep knows (up to 3): ...".
std::string describe(const SchemaState& state);

class MigrationRunner {
public:
    // `migrations` must be ordered by version; `software` ("joulesweep 0.1.0 (rev)") is
    // recorded with each applied migration.
    MigrationRunner(Database& database, std::vector<Migration> migrations, std::string software);

    // Reads the schema state without changing anything (works on an empty database).
    SchemaState inspect();

    // Applies every pending migration and returns the versions it applied (empty when
    // the schema was already current). Throws DatabaseError, changing nothing, when the
    // database is newer than this binary, when an applied migration's text differs from
    // the known one, or when an applied version is unknown.
    std::vector<int> migrate();

    // Throws DatabaseError unless the schema is exactly current: older says which
    // command migrates it, newer says to upgrade joulesweep.
    void require_current();

private:
    Database& database_;
    const std::vector<Migration> migrations_;
    const std::string software_;
};

}  // namespace joulesweep::coordinator
