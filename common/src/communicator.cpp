#include "joulesweep/common/communicator.hpp"

#include <cstdlib>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <mpi.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/mpi_call.hpp"

namespace joulesweep::common {

MpiSession::MpiSession(int* argc, char*** argv) {
    // Funneled: only the main thread calls MPI, but a rank runs other threads (the node
    // meter's sampler, the compute threads).
    int provided = MPI_THREAD_SINGLE;
    mpi_check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "initialise MPI");
    mpi_check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "make MPI return errors");
}

MpiSession::~MpiSession() {
    // Errors here cannot be reported to anyone; the job is ending either way.
    MPI_Finalize();
}

Communicator::Communicator(MPI_Comm comm) : comm_(comm) {
    mpi_check(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "make MPI return errors");
    mpi_check(MPI_Comm_rank(comm_, &rank_), "read this rank");
    mpi_check(MPI_Comm_size(comm_, &size_), "read the number of ranks");
}

void Communicator::send(int destination, MessageTag tag, const Bytes& payload) const {
    if (payload.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw MpiError(fmt::format(
            "{} message of {} bytes is too large for one MPI send", to_text(tag), payload.size()));
    }
    mpi_check(MPI_Send(payload.data(),
                       static_cast<int>(payload.size()),
                       MPI_BYTE,
                       destination,
                       static_cast<int>(tag),
                       comm_),
              fmt::format("send {} to rank {}", to_text(tag), destination));
}

std::optional<Envelope> Communicator::poll(int source) const {
    int arrived = 0;
    MPI_Message message = MPI_MESSAGE_NULL;
    MPI_Status status{};
    mpi_check(MPI_Improbe(source, MPI_ANY_TAG, comm_, &arrived, &message, &status),
              "probe for messages");
    if (arrived == 0) {
        return std::nullopt;
    }
    int count = 0;
    mpi_check(MPI_Get_count(&status, MPI_BYTE, &count), "size a message");
    Envelope envelope;
    envelope.source = status.MPI_SOURCE;
    envelope.tag = static_cast<MessageTag>(status.MPI_TAG);
    envelope.payload.resize(static_cast<std::size_t>(count));
    mpi_check(MPI_Mrecv(envelope.payload.data(), count, MPI_BYTE, &message, MPI_STATUS_IGNORE),
              fmt::format("receive {} from rank {}", to_text(envelope.tag), envelope.source));
    return envelope;
}

void Communicator::abort(int exit_code) const noexcept {
    MPI_Abort(comm_, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; this is only for the compiler
}

}  // namespace joulesweep::common
