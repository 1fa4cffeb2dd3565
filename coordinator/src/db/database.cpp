#include "joulesweep/coordinator/db/database.hpp"

#include <algorithm>
#include <array>
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
        // Retryable (the server may be starting or back soon) unless it refused the login.
        throw common::DatabaseError(fmt::format("cannot connect to PostgreSQL ({}): {}",
                                                target_.description,
                                                common::single_line(failure.what())),
                                    !is_refused_login(failure.what()));
    } catch (const pqxx::failure& failure) {
        throw common::DatabaseError(fmt::format("cannot connect to PostgreSQL ({}): {}",
                                                target_.description,
                                                common::single_line(failure.what())));
    }
}

void Database::prepare(const std::string& name, const std::string& sql) {
    try {
        connection_->prepare(name, sql);
    } catch (const pqxx::argument_error& error) {
        throw common::InternalError(
            fmt::format("prepared statement {} redefined: {}", name, error.what()));
    }
}

std::string Database::server_version() {
    return with_transaction("read the server version", [](pqxx::work& transaction) {
        return transaction.exec1("SELECT 'PostgreSQL ' || current_setting('server_version')")[0]
            .as<std::string>();
    });
}

namespace {

// libpqxx 6.4 throws some of its specific exception classes without the SQLSTATE it
// dispatched on (insufficient_privilege, for one). Those classes stand for exactly one
// code each, so the code is recovered from the class.
template <typename Exception>
bool is_a(const pqxx::sql_error& failure) {
    return dynamic_cast<const Exception*>(&failure) != nullptr;
}

struct ClassCode {
    bool (*matches)(const pqxx::sql_error&);
    const char* sqlstate;
};

constexpr std::array kClassCodes{
    ClassCode{is_a<pqxx::insufficient_privilege>, "42501"},
    ClassCode{is_a<pqxx::unique_violation>, "23505"},
    ClassCode{is_a<pqxx::foreign_key_violation>, "23503"},
    ClassCode{is_a<pqxx::not_null_violation>, "23502"},
    ClassCode{is_a<pqxx::check_violation>, "23514"},
    ClassCode{is_a<pqxx::undefined_table>, "42P01"},
    ClassCode{is_a<pqxx::undefined_column>, "42703"},
    ClassCode{is_a<pqxx::undefined_function>, "42883"},
};

std::string sqlstate_of(const pqxx::sql_error& failure) {
    if (!failure.sqlstate().empty()) {
        return failure.sqlstate();
    }
    const auto* known = std::ranges::find_if(
        kClassCodes, [&failure](const ClassCode& code) { return code.matches(failure); });
    return known == kClassCodes.end() ? std::string() : std::string(known->sqlstate);
}

}  // namespace

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
        const std::string code = sqlstate_of(*sql_failure);
        throw common::DatabaseError(code.empty()
                                        ? fmt::format("{}: {}", what, reason)
                                        : fmt::format("{}: {} (SQLSTATE {})", what, reason, code),
                                    retryable,
                                    code);
    }
    throw common::DatabaseError(fmt::format("{}: {}", what, reason));
}

}  // namespace joulesweep::coordinator
