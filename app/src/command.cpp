#include "joulesweep/app/command.hpp"

#include <vector>

namespace joulesweep::app {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands{
        {"db", "manage the database: start, stop, status, url, migrate", run_db_command},
        {"enqueue",
         "add a sweep (a YAML file or a BUTTER preset) to the queue",
         run_enqueue_command},
        {"status", "show the database, its server and schema versions", run_status_command},
    };
    return commands;
}

}  // namespace joulesweep::app
