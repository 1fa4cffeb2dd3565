#include "joulesweep/coordinator/embedded/local_port.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace joulesweep::coordinator {
namespace {

// Listens on an ephemeral loopback port chosen by the kernel; closes on destruction.
class Listener {
public:
    Listener() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): sockets API
        auto* generic = reinterpret_cast<sockaddr*>(&address);
        REQUIRE(bind(fd_, generic, sizeof(address)) == 0);
        REQUIRE(listen(fd_, 1) == 0);
        REQUIRE(getsockname(fd_, generic, &length) == 0);
        port_ = ntohs(address.sin_port);
    }

    ~Listener() { close(fd_); }

    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    Listener(Listener&&) = delete;
    Listener& operator=(Listener&&) = delete;

    int port() const { return port_; }

private:
    int fd_;
    int port_ = 0;
};

}  // namespace

TEST_CASE("is_local_port_free: a port another server listens on is taken",
          "[coordinator][embedded]") {
    const Listener listener;
    CHECK_FALSE(is_local_port_free(listener.port()));
}

TEST_CASE("find_free_local_port: skips a taken port", "[coordinator][embedded]") {
    const Listener listener;
    const int found = find_free_local_port(listener.port(), 50);
    CHECK(found != listener.port());
    CHECK(found > listener.port());
    CHECK(is_local_port_free(found));
}

}  // namespace joulesweep::coordinator
