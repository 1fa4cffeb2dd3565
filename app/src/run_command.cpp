// `joulesweep run`: the pilot job. Under mpirun or srun, rank 0 becomes the coordinator
// (the job's only database client) and every other rank a worker. Options are parsed
// identically on every rank, so a bad option fails all of them the same way; an error
// on one rank after MPI started aborts the job instead of leaving the others waiting.
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/app/exit_codes.hpp"
#include "joulesweep/app/job_energy.hpp"
#include "joulesweep/app/power_source_options.hpp"
#include "joulesweep/app/version_report.hpp"
#include "joulesweep/common/communicator.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/common/node_placement.hpp"
#include "joulesweep/common/shutdown_signals.hpp"
#include "joulesweep/coordinator/db/migrations.hpp"
#include "joulesweep/coordinator/job/job_coordinator.hpp"
#include "joulesweep/coordinator/queue/queue_connection.hpp"
#include "joulesweep/worker/compute_threads.hpp"
#include "joulesweep/worker/model/backend_choice.hpp"
#include "joulesweep/worker/power/cpu_identity.hpp"
#include "joulesweep/worker/run_worker.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kRunUsage = R"usage(Usage: mpirun -n N joulesweep run [options]
       srun joulesweep run [options]

Train queued runs until none is left. Rank 0 is the coordinator: it claims runs from
the queue, hands them to the other ranks (the workers), stores every result in
PostgreSQL and in this job's HDF5 shard (<shard-dir>/<job>.h5, docs/hdf5.md), and prints
one line per finished run plus a progress line. Many jobs may run against one queue.

Energy: one meter per node reads the best power source there (joulesweep energy probe
shows which), after measuring the node's idle power for --idle-baseline seconds while
every rank sleeps, and every run stores its joules per epoch, gross and net, with where
they came from (docs/energy.md). A node with several training ranks splits its energy by
CPU time. At the end the job says how many epochs stored negative net joules, and each
node measures its idle power again and reports the drift.

Ending: exit 0 when no claimable run is left (--wait keeps polling instead), after
--max-runs runs, or at --time-limit. SIGTERM, SIGINT or SIGUSR1 on any rank drains the
job: no more claims, running runs get --grace seconds to finish, the rest go back to the
queue. A second signal gives everything back and stops at once. mpirun forwards only
SIGUSR1 to its ranks; srun forwards all three. A SIGTERM that reaches the coordinator
itself (Slurm's scancel, requeue, preemption and time limit) gives running runs
--term-grace seconds instead: SIGKILL follows it after Slurm's KillWait.

A job that dies (a killed rank, a lost node) loses nothing: its runs return to the queue
when its lease expires (--lease) and the next job trains them.

)usage";

struct RunSettings {
    std::string datasets_dir;
    std::string shard_dir;
    int lease_s = 300;
    int grace_s = 60;
    int connect_retry_s = 120;
    std::optional<int> term_grace_s;  // unset: grace_s
    int retry_backoff_s = 30;
    int progress_interval_s = 10;
    int prefetch = 1;
    std::int64_t max_runs = 0;
    int time_limit_s = 0;
    int threads_per_rank = 1;
    std::string backend = "auto";
    bool wait = false;
    JobEnergySettings energy;
};

void validate(const RunSettings& settings) {
    const auto require = [](bool ok, const char* message) {
        if (!ok) {
            throw common::ConfigError(fmt::format("run: {}", message));
        }
    };
    require(settings.lease_s >= 3, "--lease must be at least 3 seconds");
    require(settings.grace_s >= 0, "--grace must not be negative");
    require(settings.connect_retry_s >= 0, "--connect-retry must not be negative");
    require(!settings.term_grace_s || *settings.term_grace_s >= 0,
            "--term-grace must not be negative");
    require(settings.retry_backoff_s >= 0, "--retry-backoff must not be negative");
    require(settings.progress_interval_s >= 1, "--progress-interval must be at least 1 second");
    require(settings.prefetch >= 0, "--prefetch must not be negative");
    require(settings.max_runs >= 0, "--max-runs must not be negative");
    require(settings.time_limit_s >= 0, "--time-limit must not be negative");
    require(settings.threads_per_rank >= 1, "--threads-per-rank must be at least 1");
    require(settings.energy.meter.period_s >= 1e-3 && settings.energy.meter.period_s <= 60,
            "--energy-period must be between 0.001 and 60 seconds");
    require(
        settings.energy.meter.idle_baseline_s >= 0 && settings.energy.meter.idle_baseline_s <= 600,
        "--idle-baseline must be between 0 and 600 seconds");
    require(settings.energy.meter.idle_again_every_s == 0.0 ||
                (settings.energy.meter.idle_again_every_s >= 1.0 &&
                 settings.energy.meter.idle_baseline_s > 0.0),
            "--idle-again-every must be at least 1 second, with an --idle-baseline above 0");
}

// The requested threads, cut to what this rank's CPUs allow when it would oversubscribe
// them (said once per rank on stderr).
int worker_threads(const RunSettings& settings, const common::NodePlacement& placement, int rank) {
    const int budget = worker::thread_budget(placement.usable_cpus, placement.ranks_sharing);
    if (settings.threads_per_rank <= budget) {
        return settings.threads_per_rank;
    }
    std::cerr << fmt::format(
        "joulesweep: rank {}: --threads-per-rank {} would oversubscribe this node ({} CPUs "
        "shared by {} training ranks); using {} thread{}\n",
        rank,
        settings.threads_per_rank,
        placement.usable_cpus,
        placement.ranks_sharing,
        budget,
        budget == 1 ? "" : "s");
    return budget;
}

std::string host_name() {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) != 0) {
        return "unknown-host";
    }
    return name.data();
}

// The job as squeue shows it: "1234", or "1234_7" for task 7 of job array 1234 (whose
// SLURM_JOB_ID is a number of its own that users never see).
std::optional<std::string> slurm_job_id() {
    const std::optional<std::string> array = environment_value("SLURM_ARRAY_JOB_ID");
    const std::optional<std::string> task = environment_value("SLURM_ARRAY_TASK_ID");
    if (array && task) {
        return fmt::format("{}_{}", *array, *task);
    }
    return environment_value("SLURM_JOB_ID");
}

// Refuses a database whose schema this binary does not know before claiming anything.
// A database that cannot be reached (refused, starting up, too many connections) is
// tried again with a jittered backoff for `patience`: many pilot jobs may start at once,
// for instance after a maintenance window. The workers wait meanwhile.
void wait_for_current_schema(const coordinator::ConnectionTarget& target,
                             std::chrono::seconds patience) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point started = Clock::now();
    std::minstd_rand jitter(static_cast<std::minstd_rand::result_type>(getpid()));
    for (int failures = 0;; ++failures) {
        try {
            coordinator::Database check(target);
            coordinator::MigrationRunner(check, coordinator::known_migrations(), software_name())
                .require_current();
            if (failures > 0) {
                std::cout << fmt::format(
                    "database: reachable after {:.1f} s\n",
                    std::chrono::duration<double>(Clock::now() - started).count());
            }
            return;
        } catch (const common::DatabaseError& error) {
            const auto delay = coordinator::reconnect_delay({}, failures, jitter);
            if (!coordinator::QueueConnection::is_connection_failure(error) ||
                Clock::now() + delay - started > patience || common::shutdown_signal_count() > 0) {
                throw;
            }
            std::cout << fmt::format(
                             "database: unreachable at start ({}); trying again in {:.1f} s, "
                             "for up to {} s (--connect-retry)",
                             error.what(),
                             std::chrono::duration<double>(delay).count(),
                             patience.count())
                      << std::endl;  // flushed: the job may wait here for minutes
            std::this_thread::sleep_for(delay);
        }
    }
}

int run_coordinator_rank(const common::Communicator& communicator,
                         const RunSettings& settings,
                         const GlobalOptions& globals,
                         const std::string& host,
                         const std::optional<std::string>& job_id) {
    coordinator::ConnectionTarget target = resolve_database(globals);
    wait_for_current_schema(target, std::chrono::seconds(settings.connect_retry_s));
    // Ours first, so the user's own settings in --db win: pg_stat_activity names the job,
    // and a half-open connection fails within a minute instead of hanging.
    const std::string job = job_id ? *job_id : fmt::format("{}-{}", host, getpid());
    target.conninfo = fmt::format(
        "application_name={} keepalives=1 keepalives_idle=30 keepalives_interval=10 "
        "keepalives_count=3 tcp_user_timeout=60000 {}",
        coordinator::quote_conninfo_value("joulesweep-coord-" + job),
        target.conninfo);

    coordinator::CoordinatorRegistration registration;
    registration.slurm_job_id = job_id;
    registration.host = host;
    registration.pid = static_cast<int>(getpid());
    registration.worker_count = communicator.size() - 1;
    registration.software = software_name();

    coordinator::CoordinatorOptions options;
    options.queue.lease = std::chrono::seconds(settings.lease_s);
    options.queue.retry_backoff_base = std::chrono::seconds(settings.retry_backoff_s);
    options.grace = std::chrono::seconds(settings.grace_s);
    if (settings.term_grace_s) {
        options.term_grace = std::chrono::seconds(*settings.term_grace_s);
    }
    options.progress_interval = std::chrono::seconds(settings.progress_interval_s);
    options.prefetch = settings.prefetch;
    options.wait = settings.wait;
    if (settings.max_runs > 0) {
        options.max_runs = settings.max_runs;
    }
    if (settings.time_limit_s > 0) {
        options.time_limit = std::chrono::seconds(settings.time_limit_s);
    }
    options.shard_directory = settings.shard_dir.empty()
                                  ? std::filesystem::path(globals.data_dir) / "shards"
                                  : std::filesystem::path(settings.shard_dir);
    options.job = job;
    options.software_json = software_json();
    return coordinator::run_coordinator(communicator, target, registration, options, std::cout);
}

}  // namespace

int run_run_command(const std::vector<std::string>& arguments, CommandContext& context) {
    RunSettings settings;
    CommandOptions options{kRunUsage, help_section("Options for run"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "datasets-dir",
        po::value<std::string>(&settings.datasets_dir)->value_name("DIR"),
        "prepared datasets, on a filesystem every node sees. Default: <data-dir>/datasets")(
        "shard-dir",
        po::value<std::string>(&settings.shard_dir)->value_name("DIR"),
        "where this job's HDF5 shard goes. Default: <data-dir>/shards")(
        "max-runs",
        po::value<std::int64_t>(&settings.max_runs)->value_name("N"),
        "claim at most N runs, finish them, and exit")(
        "time-limit",
        po::value<int>(&settings.time_limit_s)->value_name("SECONDS"),
        "drain after this long (as on a signal); set it below the Slurm time limit")(
        "wait", po::bool_switch(&settings.wait), "keep polling when the queue is empty")(
        "grace",
        po::value<int>(&settings.grace_s)->value_name("SECONDS")->default_value(settings.grace_s),
        "on a drain, how long running runs may take to finish")(
        "term-grace",
        po::value<int>()->value_name("SECONDS")->notifier(
            [&settings](int seconds) { settings.term_grace_s = seconds; }),
        "the grace when the drain began with a SIGTERM to the coordinator; keep it below "
        "Slurm's KillWait (default: --grace)")(
        "connect-retry",
        po::value<int>(&settings.connect_retry_s)
            ->value_name("SECONDS")
            ->default_value(settings.connect_retry_s),
        "at start, try an unreachable database again (jittered backoff) for this long: many "
        "jobs may start together; 0 fails at once")(
        "lease",
        po::value<int>(&settings.lease_s)->value_name("SECONDS")->default_value(settings.lease_s),
        "a coordinator silent this long is dead and its runs are requeued (heartbeat every "
        "third of it); use the same value for every job on a queue")(
        "retry-backoff",
        po::value<int>(&settings.retry_backoff_s)
            ->value_name("SECONDS")
            ->default_value(settings.retry_backoff_s),
        "a failed run waits this long x 2^failures before it is retried")(
        "prefetch",
        po::value<int>(&settings.prefetch)->value_name("N")->default_value(settings.prefetch),
        "runs claimed ahead of idle workers, so a worker never waits on the database")(
        "progress-interval",
        po::value<int>(&settings.progress_interval_s)
            ->value_name("SECONDS")
            ->default_value(settings.progress_interval_s),
        "how often the coordinator prints its progress line")(
        "threads-per-rank",
        po::value<int>(&settings.threads_per_rank)
            ->value_name("N")
            ->default_value(settings.threads_per_rank),
        "compute threads of each training rank (oneDNN and packed); cut to the CPUs the rank "
        "shares "
        "with the node's other training ranks, so a node is never oversubscribed. "
        "OMP_NUM_THREADS is ignored")(
        "backend",
        po::value<std::string>(&settings.backend)
            ->value_name("NAME")
            ->default_value(settings.backend),
        "the kernels every training rank uses: eigen, onednn, packed (our own AVX2 GEMM) or "
        "auto (the fastest for each network, from docs/benchmarks.md). Not part of an "
        "experiment: each run records the backend that trained it");
    bool no_energy = false;
    bool no_idle_at_end = false;
    options.visible.add_options()(
        "no-energy", po::bool_switch(&no_energy), "measure no energy (docs/energy.md)")(
        "energy-period",
        po::value<double>(&settings.energy.meter.period_s)
            ->value_name("SECONDS")
            ->default_value(settings.energy.meter.period_s,
                            shortest_text(settings.energy.meter.period_s)),
        "how often each node's meter reads its power source; shortened to a quarter of a "
        "counter's wrap time at 2000 W when that is less")(
        "idle-baseline",
        po::value<double>(&settings.energy.meter.idle_baseline_s)
            ->value_name("SECONDS")
            ->default_value(settings.energy.meter.idle_baseline_s,
                            shortest_text(settings.energy.meter.idle_baseline_s)),
        "at start, measure each node's idle power this long before anything trains (every "
        "rank of the node asleep); net joules subtract it. 0: none")(
        "idle-again-every",
        po::value<double>(&settings.energy.meter.idle_again_every_s)->value_name("SECONDS"),
        "during the job, measure each node's idle power again this often: new runs of the "
        "node wait until the ones in progress end, then for --idle-baseline seconds, and "
        "later runs subtract the new baseline (a long run delays it). Default: never")(
        "no-idle-at-end",
        po::bool_switch(&no_idle_at_end),
        "do not measure the idle power again when the job ends (it reports the drift)");
    PowerSourceOptionValues source_values;
    add_power_source_options(options.visible, source_values);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    settings.energy.enabled = !no_energy;
    settings.energy.idle_at_end = !no_idle_at_end;
    common::Backend backend = common::Backend::kAuto;
    try {
        apply_power_source_options(source_values, settings.energy.sources);
        settings.energy.meter.proc_stat = settings.energy.sources.proc_root / "stat";
        backend = worker::backend_from_flag("backend", settings.backend);
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(fmt::format("run: {}", error.what()));
    }
    validate(settings);

    const common::MpiSession session(nullptr, nullptr);
    const common::Communicator communicator(MPI_COMM_WORLD);
    common::install_shutdown_handlers();
    if (communicator.size() < 2) {
        throw common::ConfigError(
            "run: needs at least 2 MPI ranks (rank 0 coordinates, the others train); start it "
            "with mpirun -n N or srun");
    }
    const std::string host = host_name();
    const std::optional<std::string> job_id = slurm_job_id();
    const common::NodePlacement placement =
        common::node_placement(MPI_COMM_WORLD, communicator.rank() != 0);
    const JobEnergy energy(MPI_COMM_WORLD, settings.energy, communicator.rank() != 0);
    try {
        if (communicator.rank() == 0) {
            const int status =
                run_coordinator_rank(communicator, settings, context.globals, host, job_id);
            energy.measure_idle_at_end();
            return status;
        }
        worker::WorkerContext worker_context;
        worker_context.datasets_dir = datasets_directory(settings.datasets_dir, context.globals);
        worker_context.host = host;
        worker_context.slurm_job_id = job_id;
        worker_context.software_json = software_json();
        worker_context.energy_ring = energy.ring();
        worker_context.only_training_rank_on_node = energy.only_training_rank();
        worker_context.backend = backend;
        worker_context.node_type =
            worker::power::node_type(settings.energy.sources.proc_root / "cpuinfo");
        worker::use_compute_threads(worker_threads(settings, placement, communicator.rank()));
        worker::run_worker(communicator, worker_context);
        energy.measure_idle_at_end();
        return 0;
    } catch (const std::exception& error) {
        std::cerr << fmt::format("joulesweep: rank {}: {}\n", communicator.rank(), error.what());
        std::cerr.flush();
        communicator.abort(exit_code_for(error));
    }
}

}  // namespace joulesweep::app
