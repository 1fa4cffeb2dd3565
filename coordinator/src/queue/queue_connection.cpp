#include "joulesweep/coordinator/queue/queue_connection.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace joulesweep::coordinator {

std::chrono::steady_clock::duration reconnect_delay(const ReconnectOptions& options,
                                                    int failures,
                                                    std::minstd_rand& jitter) {
    const auto doublings = std::min(failures, 16);
    const auto uncapped = options.first_delay * (1LL << doublings);
    const auto capped = std::min<std::chrono::milliseconds>(uncapped, options.longest_delay);
    std::uniform_real_distribution<double> spread(0.8, 1.2);
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(capped * spread(jitter));
}

QueueConnection::QueueConnection(ConnectionTarget target,
                                 QueueOptions queue_options,
                                 ReconnectOptions reconnect_options,
                                 std::function<void(const std::string&)> log)
    : target_(std::move(target)),
      queue_options_(queue_options),
      reconnect_options_(reconnect_options),
      log_(std::move(log)),
      jitter_(static_cast<std::minstd_rand::result_type>(
          std::chrono::steady_clock::now().time_since_epoch().count())) {}

QueueConnection::~QueueConnection() = default;

bool QueueConnection::is_connection_failure(const common::DatabaseError& error) noexcept {
    const std::string& state = error.sqlstate();
    return error.retryable() || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0 ||
           state == "53300";
}

bool QueueConnection::ensure_connected() {
    if (queue_) {
        return true;
    }
    if (Clock::now() < next_attempt_) {
        return false;
    }
    try {
        auto database = std::make_unique<Database>(target_);
        queue_ = std::make_unique<RunQueue>(*database, queue_options_);
        database_ = std::move(database);
    } catch (const common::DatabaseError& error) {
        if (!is_connection_failure(error)) {
            throw;
        }
        lose_connection("reconnect", error);
        return false;
    }
    if (unreachable_since_) {
        log_(
            fmt::format("database: reconnected to {} after {:.1f} s",
                        target_.description,
                        std::chrono::duration<double>(Clock::now() - *unreachable_since_).count()));
    }
    unreachable_since_.reset();
    failed_attempts_ = 0;
    return true;
}

void QueueConnection::lose_connection(std::string_view what, const common::DatabaseError& error) {
    queue_.reset();
    database_.reset();
    next_attempt_ = Clock::now() + reconnect_delay(reconnect_options_, failed_attempts_, jitter_);
    ++failed_attempts_;
    if (!unreachable_since_) {
        unreachable_since_ = Clock::now();
        log_(fmt::format(
            "database: lost during '{}': {}; retrying with backoff", what, error.what()));
    }
}

}  // namespace joulesweep::coordinator
