#pragma once
// The coordinator's connection to the queue, kept alive across database restarts. A
// step that fails because the connection broke (or the server is shutting down or
// starting up) drops the connection and schedules a reconnect after a jittered
// exponential backoff; until then every step is skipped and reports so, and the caller
// keeps what it wanted to write and tries again later. The coordinator's loop therefore
// never stalls on the database: workers keep training what was already claimed.
// Errors that a reconnect cannot cure (a bad statement, a violated constraint) still
// throw.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>

#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/db/connection_target.hpp"
#include "joulesweep/coordinator/db/database.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

namespace joulesweep::coordinator {

struct ReconnectOptions {
    std::chrono::milliseconds first_delay{250};
    std::chrono::milliseconds longest_delay{10000};
};

// The pause before reconnect attempt number `failures` + 1: first_delay x 2^failures,
// capped at longest_delay, then scaled by a random 0.8..1.2 so that many coordinators
// cut off together (or started together) do not all come back in the same instant.
std::chrono::steady_clock::duration reconnect_delay(const ReconnectOptions& options,
                                                    int failures,
                                                    std::minstd_rand& jitter);

class QueueConnection {
public:
    using Clock = std::chrono::steady_clock;

    // `log` receives one line when the connection is lost and one when it is back.
    QueueConnection(ConnectionTarget target,
                    QueueOptions queue_options,
                    ReconnectOptions reconnect_options,
                    std::function<void(const std::string&)> log);
    ~QueueConnection();

    QueueConnection(const QueueConnection&) = delete;
    QueueConnection& operator=(const QueueConnection&) = delete;
    QueueConnection(QueueConnection&&) = delete;
    QueueConnection& operator=(QueueConnection&&) = delete;

    // Runs step(RunQueue&) when connected (connecting first if a reconnect is due).
    // Returns step's result, or nullopt when the database is unreachable right now: the
    // step did not happen, or its outcome is unknown and repeating it is safe (every
    // queue write is fenced and idempotent). `what` names the step in the log.
    template <typename Step>
    auto attempt(std::string_view what, Step&& step) {
        using Result = decltype(step(std::declval<RunQueue&>()));
        using Optional = std::optional<std::conditional_t<std::is_void_v<Result>, bool, Result>>;
        if (!ensure_connected()) {
            return Optional{};
        }
        try {
            if constexpr (std::is_void_v<Result>) {
                std::forward<Step>(step)(*queue_);
                return Optional{true};
            } else {
                return Optional{std::forward<Step>(step)(*queue_)};
            }
        } catch (const common::DatabaseError& error) {
            if (!is_connection_failure(error)) {
                throw;
            }
            lose_connection(what, error);
            return Optional{};
        }
    }

    bool connected() const noexcept { return queue_ != nullptr; }

    // Since when the database has been unreachable; nullopt while connected.
    std::optional<Clock::time_point> unreachable_since() const noexcept {
        return unreachable_since_;
    }

    // Whether this error means the connection (not the statement) failed: broken
    // connections, connection exceptions (08xxx), admin shutdown and "starting up"
    // (57Pxx), too many connections (53300).
    static bool is_connection_failure(const common::DatabaseError& error) noexcept;

private:
    bool ensure_connected();
    void lose_connection(std::string_view what, const common::DatabaseError& error);

    ConnectionTarget target_;
    QueueOptions queue_options_;
    ReconnectOptions reconnect_options_;
    std::function<void(const std::string&)> log_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<RunQueue> queue_;
    std::optional<Clock::time_point> unreachable_since_;
    Clock::time_point next_attempt_{};
    int failed_attempts_ = 0;
    std::minstd_rand jitter_;
};

}  // namespace joulesweep::coordinator
