#include "joulesweep/coordinator/db/migrations.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {
namespace {

// Serialises migrations across every process that shares the database (advisory lock
// key: "joulesweep" in ASCII, truncated to fit a bigint).
constexpr long long kMigrationLockKey = 0x6a6f756c6573;

constexpr const char* kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,  -- md5 of the migration's SQL, to catch edited history
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text        NOT NULL   -- joulesweep version and git revision
))sql";

struct AppliedMigration {
    std::string name;
    std::string checksum;
};

bool version_table_exists(pqxx::work& transaction) {
    return transaction.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>();
}

std::map<int, AppliedMigration> read_applied(pqxx::work& transaction) {
    std::map<int, AppliedMigration> applied;
    if (!version_table_exists(transaction)) {
        return applied;
    }
    for (const auto& row :
         transaction.exec("SELECT version, name, checksum FROM schema_migrations")) {
        applied.emplace(row[0].as<int>(),
                        AppliedMigration{row[1].as<std::string>(), row[2].as<std::string>()});
    }
    return applied;
}

std::string checksum_of(pqxx::work& transaction, const std::string& sql) {
    return transaction.exec_params1("SELECT md5($1)", sql)[0].as<std::string>();
}

int newest_version(const std::vector<Migration>& migrations) {
    return migrations.empty() ? 0 : migrations.back().version;
}

SchemaState state_of(const std::map<int, AppliedMigration>& applied,
                     const std::vector<Migration>& migrations) {
    SchemaState state;
    state.applied_version = applied.empty() ? 0 : applied.rbegin()->first;
    state.known_version = newest_version(migrations);
    for (const Migration& migration : migrations) {
        if (!applied.contains(migration.version)) {
            state.pending.push_back(migration.version);
        }
    }
    return state;
}

std::string newer_schema_message(const SchemaState& state, const std::string& software) {
    return fmt::format(
        "the database schema is at version {}, newer than this {} knows (up to version {}): "
        "upgrade joulesweep, or point --db at another database; nothing was changed",
        state.applied_version,
        software,
        state.known_version);
}

// Refuses a history this binary cannot vouch for; changes nothing.
void check_history(pqxx::work& transaction,
                   const std::map<int, AppliedMigration>& applied,
                   const std::vector<Migration>& migrations,
                   const std::string& software) {
    const SchemaState state = state_of(applied, migrations);
    if (state.is_newer_than_binary()) {
        throw common::DatabaseError(newer_schema_message(state, software));
    }
    for (const auto& [applied_version, record] : applied) {
        const int version =
            applied_version;  // lambdas cannot capture structured bindings in clang 14
        const auto known =
            std::find_if(migrations.begin(), migrations.end(), [version](const Migration& m) {
                return m.version == version;
            });
        if (known == migrations.end()) {
            throw common::DatabaseError(
                fmt::format("the database records migration {:04d}_{}, which this {} does not "
                            "know; nothing was changed",
                            version,
                            record.name,
                            software));
        }
        if (checksum_of(transaction, known->sql) != record.checksum) {
            throw common::DatabaseError(fmt::format(
                "migration {:04d}_{} was edited after it was applied (checksum differs): add a new "
                "migration instead of editing an applied one; nothing was changed",
                version,
                record.name));
        }
    }
}

}  // namespace

std::string describe(const SchemaState& state) {
    if (state.is_newer_than_binary()) {
        return fmt::format(
            "version {}, newer than this joulesweep knows (up to {}): upgrade joulesweep",
            state.applied_version,
            state.known_version);
    }
    if (state.is_current()) {
        return fmt::format("version {} (current)", state.applied_version);
    }
    return fmt::format("version {} of {}: {} migration{} pending, run `joulesweep db migrate`",
                       state.applied_version,
                       state.known_version,
                       state.pending.size(),
                       state.pending.size() == 1 ? "" : "s");
}

MigrationRunner::MigrationRunner(Database& database,
                                 std::vector<Migration> migrations,
                                 std::string software)
    : database_(database), migrations_(std::move(migrations)), software_(std::move(software)) {
    JOULESWEEP_CHECK(std::is_sorted(migrations_.begin(),
                                    migrations_.end(),
                                    [](const Migration& left, const Migration& right) {
                                        return left.version < right.version;
                                    }),
                     "migrations must be ordered by version");
}

SchemaState MigrationRunner::inspect() {
    return database_.with_transaction("read the schema version", [&](pqxx::work& transaction) {
        return state_of(read_applied(transaction), migrations_);
    });
}

std::vector<int> MigrationRunner::migrate() {
    std::vector<int> applied_now;
    for (const Migration& migration : migrations_) {
        const std::string step =
            fmt::format("apply migration {:04d}_{}", migration.version, migration.name);
        const bool applied = database_.with_transaction(step, [&](pqxx::work& transaction) {
            transaction.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
            transaction.exec0(kCreateVersionTable);
            const auto recorded = read_applied(transaction);
            check_history(transaction, recorded, migrations_, software_);
            if (recorded.contains(migration.version)) {
                return false;  // another process applied it first, or it was already there
            }
            transaction.exec_params("SELECT set_config('joulesweep.software', $1, true)",
                                    software_);
            transaction.exec(migration.sql);
            transaction.exec_params(
                "INSERT INTO schema_migrations (version, name, checksum, applied_by) "
                "VALUES ($1, $2, md5($3), $4)",
                migration.version,
                migration.name,
                migration.sql,
                software_);
            return true;
        });
        if (applied) {
            applied_now.push_back(migration.version);
        }
    }
    return applied_now;
}

void MigrationRunner::require_current() {
    const SchemaState state = inspect();
    if (state.is_newer_than_binary()) {
        throw common::DatabaseError(newer_schema_message(state, software_));
    }
    if (!state.is_current()) {
        throw common::DatabaseError(
            fmt::format("the database schema is at version {} but this {} needs version {}: run "
                        "`joulesweep db migrate`",
                        state.applied_version,
                        software_,
                        state.known_version));
    }
}

}  // namespace joulesweep::coordinator
