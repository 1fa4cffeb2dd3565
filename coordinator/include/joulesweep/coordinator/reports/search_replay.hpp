#pragma once
// The size search replayed on a dataset's stored runs (docs/train-for-less.md): "what
// would a search have cost here?" For each group of the dataset (an experiment without
// its size) on each hardware class, repetition i of every stored size stands for the
// attempt at that size in replay i; the group reports the median over replays of what
// the search spent next to E*, s_opt, s_min and Q of the same runs, and R = E_search / E*.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "joulesweep/common/size_choice.hpp"
#include "joulesweep/common/size_search.hpp"
#include "joulesweep/coordinator/db/database.hpp"

namespace joulesweep::coordinator {

struct SearchReplayRequest {
    std::string dataset;
    std::string monitored = "validation";  // or "test" (BUTTER-compatible)
    std::string energy = "net";            // the joules searched and compared: net or gross
    common::SearchSpec spec;               // target, ladder, cap and failure rule
    std::vector<std::string> shapes;       // empty: every shape stored
    std::vector<int> depths;               // empty: every depth stored
};

struct GroupReplay {
    std::string group_key;
    std::string hardware;
    int sizes = 0;    // sizes stored for the group
    int replays = 0;  // repetition indices every stored size has
    int replays_found = 0;
    double search_j = common::kUnreached;    // median over replays; +inf when most failed
    double search_epochs = 0.0;              // median over replays
    std::optional<std::int64_t> size_found;  // the median replay's size (lower middle)
    common::SizeChoice choice;               // E* (in the request's joules), s_opt, s_min, Q
    // R = search_j / E*, when both are finite and E* is above 0 (net joules of tiny runs
    // can be 0 or below: they drew no more than the node's idle power).
    std::optional<double> ratio;
};

// Reads the dataset's measured runs with their monitored series and replays the search
// on each group. Groups without a measured run of every size they store are left out
// of no replay: a size missing at repetition i is skipped in replay i, as an unbuildable
// size is.
std::vector<GroupReplay> replay_searches(Database& database, const SearchReplayRequest& request);

}  // namespace joulesweep::coordinator
