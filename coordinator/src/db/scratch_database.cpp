#include "joulesweep/coordinator/db/scratch_database.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/text.hpp"

namespace joulesweep::coordinator {
namespace {

bool is_plain_identifier(const std::string& name) {
    return !name.empty() && std::ranges::all_of(name, [](char character) {
        return (character >= 'a' && character <= 'z') || (character >= '0' && character <= '9') ||
               character == '_';
    });
}

void run_on_server(const ConnectionTarget& server, const std::string& sql) {
    try {
        pqxx::connection connection(server.conninfo);
        pqxx::nontransaction transaction(connection);  // CREATE/DROP DATABASE refuse a block
        transaction.exec0(sql);
    } catch (const pqxx::failure& failure) {
        throw common::DatabaseError(fmt::format(
            "{} on {}: {}", sql, server.description, common::single_line(failure.what())));
    }
}

}  // namespace

ScratchDatabase::ScratchDatabase(ConnectionTarget server, std::string name)
    : server_(std::move(server)), name_(std::move(name)) {
    JOULESWEEP_CHECK(is_plain_identifier(name_), "scratch database names are plain identifiers");
    run_on_server(server_, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
    run_on_server(server_, fmt::format("CREATE DATABASE {} TEMPLATE template0", name_));
    target_ = parse_connection_target(fmt::format("{} dbname={}", server_.conninfo, name_),
                                      "scratch database");
}

ScratchDatabase::~ScratchDatabase() {
    if (keep_) {
        return;
    }
    try {
        run_on_server(server_, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
    } catch (const std::exception&) {
        // A leftover scratch database is harmless; a throwing destructor is not.
    }
}

}  // namespace joulesweep::coordinator
