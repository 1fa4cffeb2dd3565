#pragma once
// The coordinator's single PostgreSQL connection and the one place where libpqxx
// exceptions become joulesweep errors. Not thread-safe: one Database per coordinator,
// used from one thread.

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <pqxx/pqxx>

#include "joulesweep/coordinator/db/connection_target.hpp"

namespace joulesweep::coordinator {

class Database {
public:
    // Connects now. Throws DatabaseError (retryable) when the server cannot be reached,
    // naming the target's description, never its password.
    explicit Database(ConnectionTarget target);

    // Runs fn(pqxx::work&) in one transaction and commits it. `what` names the step for
    // error messages ("apply migration 0001"). pqxx failures become DatabaseError with
    // the SQLSTATE; a broken connection is marked retryable.
    template <typename Function>
    auto with_transaction(std::string_view what, Function&& function) {
        try {
            pqxx::work transaction(*connection_);
            if constexpr (std::is_void_v<decltype(function(transaction))>) {
                std::forward<Function>(function)(transaction);
                transaction.commit();
            } else {
                auto result = std::forward<Function>(function)(transaction);
                transaction.commit();
                return result;
            }
        } catch (const pqxx::failure& failure) {
            rethrow_as_database_error(what, failure);
        }
    }

    // Declares a prepared statement for transaction.exec_prepared(name, ...). libpqxx
    // prepares it on first use and again after a reconnect; declaring the same name with
    // the same SQL twice is harmless, with different SQL a bug (InternalError).
    void prepare(const std::string& name, const std::string& sql);

    // "PostgreSQL 15.20" as the server reports it.
    std::string server_version();

    const ConnectionTarget& target() const noexcept { return target_; }

private:
    [[noreturn]] void rethrow_as_database_error(std::string_view what,
                                                const pqxx::failure& failure) const;

    ConnectionTarget target_;
    std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace joulesweep::coordinator
