// `joulesweep shard FILE...`: what a job's HDF5 shard holds, read with our own reader
// (which also reads the shard of a job that crashed, up to its last flushed run).
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/reports/progress_line.hpp"
#include "joulesweep/coordinator/shard/shard_file.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kShardUsage = R"usage(Usage: joulesweep shard [--runs] FILE...

Summarise HDF5 shards written by `joulesweep run` (layout: docs/hdf5.md): the job, its
coordinator and how many complete runs each holds; with --runs, one line per run.

)usage";

}  // namespace

int run_shard_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::vector<std::string> files;
    bool list_runs = false;
    CommandOptions options{kShardUsage, help_section("Options for shard"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "runs", po::bool_switch(&list_runs), "list every run");
    options.hidden.add_options()("file", po::value<std::vector<std::string>>(&files), "");
    options.positional.add("file", -1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (files.empty()) {
        throw common::ConfigError(
            "shard: name at least one shard file (see joulesweep shard --help)");
    }
    for (const std::string& file : files) {
        const coordinator::ShardContents shard = coordinator::read_shard(file);
        std::cout << fmt::format("{}: job {}, coordinator {} on {}, {} runs\n",
                                 file,
                                 shard.identity.job,
                                 shard.identity.coordinator_id,
                                 shard.identity.host,
                                 shard.runs.size());
        if (!list_runs) {
            continue;
        }
        for (const coordinator::ShardRun& run : shard.runs) {
            const auto& test_loss = run.result.statistics.at(common::kTestLossIndex);
            std::cout << fmt::format(
                "  run {} attempt {}: {} rep {}, {} epochs, test loss {:.5g}\n",
                run.run_id,
                run.attempt,
                coordinator::describe_experiment(run.config),
                run.repetition,
                run.result.epoch_wall_s.size(),
                test_loss.empty() ? 0.0F : test_loss.back());
        }
    }
    return 0;
}

}  // namespace joulesweep::app
