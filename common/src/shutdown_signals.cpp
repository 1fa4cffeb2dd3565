#include "joulesweep/common/shutdown_signals.hpp"

#include <csignal>
#include <system_error>

#include <fmt/format.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): sigaction is POSIX, not in <csignal>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {
namespace {

// A signal handler can only touch lock-free atomics or volatile sig_atomic_t: these two
// are the process's whole shared state with it.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
volatile std::sig_atomic_t signal_count = 0;
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
volatile std::sig_atomic_t most_recent_signal = 0;

extern "C" void count_shutdown_signal(int signal_number) {
    signal_count = signal_count + 1;
    most_recent_signal = signal_number;
}

}  // namespace

void install_shutdown_handlers() {
    struct sigaction action {};

    action.sa_handler = count_shutdown_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal_number : {SIGTERM, SIGINT, SIGUSR1}) {
        if (sigaction(signal_number, &action, nullptr) != 0) {
            throw ProcessError(fmt::format("install the handler for signal {}: {}",
                                           signal_number,
                                           std::generic_category().message(errno)));
        }
    }
}

int shutdown_signal_count() noexcept {
    return signal_count;
}

int last_shutdown_signal() noexcept {
    return most_recent_signal;
}

}  // namespace joulesweep::common
