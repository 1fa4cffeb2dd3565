#include "joulesweep/common/communicator.hpp"

#include <chrono>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>
#include <mpi.h>

#include "joulesweep/common/protocol.hpp"

namespace joulesweep::common {
namespace {

// Polls until a message from `source` arrives (the tests' only blocking receive).
Envelope wait_for_message(const Communicator& communicator, int source) {
    while (true) {
        if (auto message = communicator.poll(source)) {
            return *message;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
}

}  // namespace

TEST_CASE("Communicator: every rank sends rank 0 a message it receives whole, tag and size",
          "[common][mpi]") {
    const Communicator communicator(MPI_COMM_WORLD);
    REQUIRE(communicator.size() >= 2);
    if (communicator.rank() != 0) {
        RunFailure failure{communicator.rank(), 1, std::string(100000, 'x'), false};
        communicator.send(0, MessageTag::kFailure, encode(failure));
        const Envelope reply = wait_for_message(communicator, 0);
        CHECK(reply.tag == MessageTag::kStop);
        CHECK(reply.payload.empty());
    } else {
        CHECK_FALSE(communicator.poll(0).has_value());
        for (int received = 1; received < communicator.size(); ++received) {
            const Envelope message = wait_for_message(communicator, MPI_ANY_SOURCE);
            CHECK(message.tag == MessageTag::kFailure);
            const RunFailure failure = decode_failure(message.payload);
            CHECK(failure.run_id == message.source);
            CHECK(failure.message.size() == 100000);
        }
        for (int rank = 1; rank < communicator.size(); ++rank) {
            communicator.send(rank, MessageTag::kStop);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace joulesweep::common
