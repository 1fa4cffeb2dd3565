#include "joulesweep/coordinator/db/database.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/text.hpp"

namespace joulesweep::coordinator {
Database::Database(ConnectionTarget target) : target_(std::move(target)) {
    try {
        connection_ = std::make_unique<pqxx::connection>(target_.conninfo);
    } catch (const pqxx::broken_connection& failure) {
        throw common::DatabaseError(fmt::format("cannot connect to PostgreSQL ({}): {}",
                                                target_.description,
                                                common::single_line(failure.what())),
                                    true);
    } catch (const pqxx::failure& failure) {
        throw common::DatabaseError(fmt::format("cannot connect to PostgreSQL ({}): {}",
                                                target_.description,
                                                common::single_line(failure.what())));
    }
}

std::string Database::server_version() {
    return with_transaction("read the server version", [](pqxx::work& transaction) {
        return transaction.exec1("SELECT 'PostgreSQL ' || current_setting('server_version')")[0]
            .as<std::string>();
    });
}

void Database::rethrow_as_database_error(std::string_view what,
                                         const pqxx::failure& failure) const {
    const std::string reason = common::single_line(failure.what());
    if (dynamic_cast<const pqxx::in_doubt_error*>(&failure) != nullptr) {
        throw common::DatabaseError(fmt::format(
            "{}: the commit's outcome is unknown ({}): {}", what, target_.description, reason));
    }
    if (dynamic_cast<const pqxx::broken_connection*>(&failure) != nullptr) {
        throw common::DatabaseError(fmt::format("{}: lost the connection to PostgreSQL ({}): {}",
                                                what,
                                                target_.description,
                                                reason),
                                    true);
    }
    if (const auto* sql_failure = dynamic_cast<const pqxx::sql_error*>(&failure)) {
        const bool retryable = dynamic_cast<const pqxx::transaction_rollback*>(&failure) != nullptr;
        throw common::DatabaseError(
            fmt::format("{}: {} (SQLSTATE {})", what, reason, sql_failure->sqlstate()), retryable);
    }
    throw common::DatabaseError(fmt::format("{}: {}", what, reason));
}

}  // namespace joulesweep::coordinator
