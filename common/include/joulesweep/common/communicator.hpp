#pragma once
// MPI for the coordinator and workers: an RAII session (MPI_Init .. MPI_Finalize, with
// errors returned instead of aborting) and a communicator that sends and polls for
// protocol messages. Polling never blocks: both sides sleep between empty polls, which
// keeps an idle rank from spinning a core that a training rank needs.

#include <optional>

#include <mpi.h>

#include "joulesweep/common/protocol.hpp"
#include "joulesweep/common/wire_format.hpp"

namespace joulesweep::common {

class MpiSession {
public:
    MpiSession(int* argc, char*** argv);
    ~MpiSession();

    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    MpiSession(MpiSession&&) = delete;
    MpiSession& operator=(MpiSession&&) = delete;
};

struct Envelope {
    int source = 0;
    MessageTag tag = MessageTag::kReady;
    Bytes payload;
};

class Communicator {
public:
    // Does not take ownership; sets MPI_ERRORS_RETURN on `comm`.
    explicit Communicator(MPI_Comm comm);

    int rank() const noexcept { return rank_; }

    int size() const noexcept { return size_; }

    void send(int destination, MessageTag tag, const Bytes& payload = {}) const;

    // The next message from `source` (MPI_ANY_SOURCE for any), or nullopt when none has
    // arrived. Receives exactly the probed message (matched probe), sized by MPI.
    std::optional<Envelope> poll(int source = MPI_ANY_SOURCE) const;

    // Ends every rank of the job with `exit_code`. For fatal paths: a rank that cannot go
    // on must not leave the others waiting forever.
    [[noreturn]] void abort(int exit_code) const noexcept;

private:
    MPI_Comm comm_;
    int rank_ = 0;
    int size_ = 0;
};

}  // namespace joulesweep::common
