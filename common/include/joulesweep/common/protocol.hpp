#pragma once
// The wire protocol between a job's coordinator (rank 0) and its workers: message tags
// and the encoding of each payload.
//
//   worker                         coordinator
//   kReady            ------>                      idle, send me a run
//                     <------      kAssign         a run to train (or kStop)
//   kProgress         ------>                      after every epoch
//   kResult|kFailure  ------>                      then kReady again
//                     <------      kCancel         abandon the run at the next epoch
//   kCancelled        ------>                      the run was abandoned
//                     <------      kStop           no more work
//   kStopped          ------>                      totals; the worker then finalizes
//   kSignal           ------>                      this rank got SIGTERM/SIGINT/SIGUSR1
//
// A search run (ExperimentConfig::kind) sends one kAttempt per attempt instead of
// kResult; the one marked final ends the run like a kResult.

#include <cstdint>
#include <limits>
#include <string>

#include "joulesweep/common/experiment_config.hpp"
#include "joulesweep/common/name_table.hpp"
#include "joulesweep/common/run_result.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/common/wire_format.hpp"

namespace joulesweep::common {

// MPI tags: part of the wire protocol, append only.
enum class MessageTag : int {
    kReady = 1,
    kAssign = 2,
    kProgress = 3,
    kResult = 4,
    kFailure = 5,
    kCancel = 6,
    kCancelled = 7,
    kStop = 8,
    kStopped = 9,
    kSignal = 10,
    kAttempt = 11,
};

inline constexpr NameTable<MessageTag, 11> kMessageTagNames{"message tag",
                                                            {{{MessageTag::kReady, "ready"},
                                                              {MessageTag::kAssign, "assign"},
                                                              {MessageTag::kProgress, "progress"},
                                                              {MessageTag::kResult, "result"},
                                                              {MessageTag::kFailure, "failure"},
                                                              {MessageTag::kCancel, "cancel"},
                                                              {MessageTag::kCancelled, "cancelled"},
                                                              {MessageTag::kStop, "stop"},
                                                              {MessageTag::kStopped, "stopped"},
                                                              {MessageTag::kSignal, "signal"},
                                                              {MessageTag::kAttempt, "attempt"}}}};

// "ready", "assign", ... (kMessageTagNames); "tag <n>" for a value outside the protocol.
std::string to_text(MessageTag tag);

struct RunAssignment {
    std::int64_t run_id = 0;
    int attempt = 0;
    std::int64_t seed = 0;
    ExperimentConfig config;
    // A search: the attempts stored by earlier claims (it resumes at the next one), and
    // the cost_cap rule's reference joules (NaN without one).
    int search_attempts_done = 0;
    double search_reference_j = std::numeric_limits<double>::quiet_NaN();
};

struct RunProgress {
    std::int64_t run_id = 0;
    int attempt = 0;
    int epoch = 0;  // epochs done, 1-based
    int epochs = 0;
    float test_loss = 0;
};

struct RunOutcome {
    std::int64_t run_id = 0;
    int attempt = 0;
    RunResult result;
};

// One finished attempt of a search run: its record and its series. `final`: the search
// ends with it (it reached the target, or it was the ladder's last size).
struct SearchAttemptReport {
    std::int64_t run_id = 0;
    int attempt = 0;  // the claim, as in RunOutcome
    AttemptRecord record;
    bool final = false;
    RunResult result;  // empty series for a skipped size
};

struct RunFailure {
    std::int64_t run_id = 0;
    int attempt = 0;
    std::string message;
    bool permanent = false;  // a configuration that can never train: do not retry
};

// Identifies the run a kCancel or kCancelled is about.
struct RunReference {
    std::int64_t run_id = 0;
    int attempt = 0;
};

// What a worker did over the whole job, sent with kStopped: the coordinator reports its
// own overhead as the workers' waiting time against their training time.
struct WorkerTotals {
    std::int64_t runs = 0;
    double training_s = 0;  // inside train_run, dataset loading included
    double waiting_s = 0;   // between runs: from kReady to the next kAssign
    double starting_s = 0;  // before the first kAssign (the coordinator's start-up)
    double ending_s = 0;    // after the last run, until kStop (others still training)
};

Bytes encode(const RunAssignment& message);
Bytes encode(const RunProgress& message);
Bytes encode(const RunOutcome& message);
Bytes encode(const SearchAttemptReport& message);
Bytes encode(const RunFailure& message);
Bytes encode(const RunReference& message);
Bytes encode(const WorkerTotals& message);
Bytes encode_signal_count(int count);

// Each throws MpiError naming the message when the bytes do not hold exactly one.
RunAssignment decode_assignment(const Bytes& bytes);
RunProgress decode_progress(const Bytes& bytes);
RunOutcome decode_outcome(const Bytes& bytes);
SearchAttemptReport decode_attempt(const Bytes& bytes);
RunFailure decode_failure(const Bytes& bytes);
RunReference decode_reference(const Bytes& bytes);
WorkerTotals decode_totals(const Bytes& bytes);
int decode_signal_count(const Bytes& bytes);

}  // namespace joulesweep::common
