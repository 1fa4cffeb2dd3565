#include "joulesweep/coordinator/embedded/local_port.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::coordinator {

bool is_local_port_free(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    // PostgreSQL binds with SO_REUSEADDR too, so a port in TIME_WAIT is usable.
    const int enable = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API wants sockaddr*
    const bool bound = bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    close(fd);
    return bound;
}

int find_free_local_port(int first, int span) {
    for (int offset = 0; offset < span; ++offset) {
        const int port = first + offset;
        if (is_local_port_free(port)) {
            return port;
        }
    }
    throw common::StorageError(
        fmt::format("no free TCP port on 127.0.0.1 in {}..{}", first, first + span - 1));
}

}  // namespace joulesweep::coordinator
