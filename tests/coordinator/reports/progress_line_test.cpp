#include "joulesweep/coordinator/reports/progress_line.hpp"

#include <catch2/catch.hpp>

namespace joulesweep::coordinator {

TEST_CASE("format_progress_line: counts, rate per minute and the ETA of the claimed work",
          "[coordinator][progress]") {
    CHECK(format_progress_line({12, 1, 1, 3, 3, 60.0}) ==
          "progress: 12 done, 1 failed, 3 in flight, 3 claimed ahead | 12.0 runs/min | ETA 0:30");
    CHECK(format_progress_line({0, 0, 0, 2, 0, 5.0}) ==
          "progress: 0 done, 0 failed, 2 in flight, 0 claimed ahead | 0.0 runs/min | ETA -");
    CHECK(format_progress_line({4, 0, 0, 0, 0, 30.0}).find("ETA 0:00") != std::string::npos);
    // Failed runs are counted as runs, with their attempts beside them when they differ.
    CHECK(format_progress_line({4, 3, 9, 0, 0, 30.0})
              .starts_with("progress: 4 done, 3 failed (9 attempts), 0 in flight"));
}

TEST_CASE("format_clock: minutes and seconds, hours when needed", "[coordinator][progress]") {
    CHECK(format_clock(7.4) == "0:07");
    CHECK(format_clock(754) == "12:34");
    CHECK(format_clock(3723) == "1:02:03");
    CHECK(format_clock(-1) == "0:00");
}

TEST_CASE("describe_experiment: dataset, shape, depth and size", "[coordinator][progress]") {
    common::ExperimentConfig config;
    config.dataset = "banana";
    config.depth = 3;
    config.size = 512;
    CHECK(describe_experiment(config) == "banana rectangle depth 3 size 512");
}

}  // namespace joulesweep::coordinator
