#pragma once
// How `joulesweep run`'s coordinator behaves: its lease and reconnects, how far it claims
// ahead, when it ends and drains, how often it reports and stores.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "joulesweep/coordinator/queue/queue_connection.hpp"
#include "joulesweep/coordinator/queue/run_queue.hpp"

namespace joulesweep::coordinator {

struct CoordinatorOptions {
    QueueOptions queue;
    ReconnectOptions reconnect;
    int prefetch = 1;                      // runs claimed beyond the idle workers
    bool wait = false;                     // keep polling an empty queue instead of exiting
    std::optional<std::int64_t> max_runs;  // claim no more than this many runs
    std::optional<std::chrono::seconds> time_limit;  // then drain, as on a first signal
    std::chrono::seconds grace{60};                  // how long a drain waits for running runs
    // The grace when the drain began with a SIGTERM to the coordinator itself: under Slurm
    // that signal comes KillWait seconds before SIGKILL. Unset: `grace`.
    std::optional<std::chrono::seconds> term_grace;
    std::chrono::seconds progress_interval{10};
    std::chrono::seconds empty_poll{2};             // pause between claims that found nothing
    std::chrono::milliseconds flush_interval{500};  // longest a result waits to be stored
    std::size_t flush_batch = 64;                   // or this many results, whichever comes first
    std::filesystem::path shard_directory;
    std::string job;            // names the shard: Slurm job id or host-pid
    std::string software_json;  // the shard's software attribute
};

}  // namespace joulesweep::coordinator
