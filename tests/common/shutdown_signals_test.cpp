#include "joulesweep/common/shutdown_signals.hpp"

#include <csignal>

#include <catch2/catch.hpp>

namespace joulesweep::common {

TEST_CASE("shutdown signals: SIGTERM, SIGINT and SIGUSR1 are counted, not fatal",
          "[common][signals]") {
    install_shutdown_handlers();
    const int before = shutdown_signal_count();
    REQUIRE(std::raise(SIGUSR1) == 0);
    CHECK(shutdown_signal_count() == before + 1);
    CHECK(last_shutdown_signal() == SIGUSR1);
    REQUIRE(std::raise(SIGTERM) == 0);
    REQUIRE(std::raise(SIGINT) == 0);
    CHECK(shutdown_signal_count() == before + 3);
    CHECK(last_shutdown_signal() == SIGINT);
}

}  // namespace joulesweep::common
