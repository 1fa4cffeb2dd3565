#pragma once

// Finding a TCP port on 127.0.0.1 that no other server (another PostgreSQL cluster,
// another joulesweep home) is using.

namespace joulesweep::coordinator {

// True when a listening socket could bind 127.0.0.1:port right now.
bool is_local_port_free(int port);

// The first free port in [first, first + span).
// Throws StorageError when every port in it is taken.
int find_free_local_port(int first, int span);

}  // namespace joulesweep::coordinator
