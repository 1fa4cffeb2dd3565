#include "joulesweep/app/command.hpp"

#include <iostream>
#include <vector>

#include <boost/program_options.hpp>

namespace joulesweep::app {

bool parse_command_options(const std::vector<std::string>& arguments,
                           const CommandOptions& options,
                           CommandContext& context) {
    boost::program_options::options_description all;
    all.add(options.visible).add(options.hidden).add(context.global_description);
    parse_arguments(arguments, all, options.positional, context.variables);
    apply_environment(context.variables, context.globals);
    if (context.variables.count("help") != 0U) {
        std::cout << options.usage << options.visible << '\n' << context.global_description << '\n';
        return false;
    }
    return true;
}

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands{
        {"bench",
         "benchmark the queue (on a scratch database) or training throughput",
         run_bench_command},
        {"datasets",
         "list BUTTER's 13 datasets and imported ones; prepare them; import your own CSV",
         run_datasets_command},
        {"db", "manage the database: start, stop, status, url, migrate", run_db_command},
        {"energy",
         "probe this node's energy sources: which one is used, and why not the others",
         run_energy_command},
        {"enqueue",
         "add a sweep (a YAML file or a BUTTER preset) to the queue",
         run_enqueue_command},
        {"queue", "act on queued runs: redrive dead letters after a fix", run_queue_command},
        {"results", "best test loss, runs and time per experiment", run_results_command},
        {"run",
         "train queued runs under mpirun or srun: rank 0 coordinates, the others train",
         run_run_command},
        {"search",
         "size searches: enqueue them, see what they found, or replay one on stored runs",
         run_search_command},
        {"shard", "summarise the HDF5 shards that run jobs wrote", run_shard_command},
        {"train",
         "train one experiment here (no database, no MPI) and write its history",
         run_train_command},
        {"status",
         "show the queue: progress and ETA per sweep, coordinators, runs in flight, failures",
         run_status_command},
    };
    return commands;
}

}  // namespace joulesweep::app
