#!/usr/bin/env bash
# Helpers for tests/system/tNNNN-*.sh. Each test sources this file, runs the real
# joulesweep binary ($JOULESWEEP, set by CTest) and fails on the first broken expectation.
set -euo pipefail

status=0
out=""
err=""

: "${JOULESWEEP:?set JOULESWEEP to the joulesweep binary (CTest does)}"
readonly SKIP_EXIT_CODE=77

TEST_DIR=$(mktemp -d /tmp/joulesweep-system.XXXXXX)
chmod 755 "$TEST_DIR"  # the embedded server's user must be able to enter it when run as root
export TEST_DIR

started_jobs=()  # mpirun pids of start_job, killed on exit if still running

cleanup_test_dir() {
    # Kill jobs a failed test left running, stop any embedded cluster it left running,
    # then remove everything.
    local home pid
    for pid in "${started_jobs[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [[ -d "$TEST_DIR/slurm-cluster" ]]; then
        "$JOULESWEEP_SOURCE_DIR/scripts/test-slurm.sh" stop "$TEST_DIR/slurm-cluster" || true
    fi
    for home in "$TEST_DIR"/*/; do
        if [[ -d "$home/postgres" ]]; then
            "$JOULESWEEP" --data-dir "$home" db stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$TEST_DIR"
}
trap cleanup_test_dir EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Skips (exit 77) when the test database is missing, except under CI where it must exist.
require_test_database() {
    if [[ -z "${JOULESWEEP_TEST_DATABASE_URL:-}" ]]; then
        if [[ "${CI:-}" == "true" ]]; then
            fail "JOULESWEEP_TEST_DATABASE_URL is not set under CI (scripts/test.sh sets it)"
        fi
        echo "skipped: JOULESWEEP_TEST_DATABASE_URL is not set" >&2
        exit "$SKIP_EXIT_CODE"
    fi
}

# use_fresh_database: creates an empty database on the test server, dropped on exit, and
# sets FRESH_DB to its connection string. Call admin SQL for server-wide statements.
admin() { psql "$JOULESWEEP_TEST_DATABASE_URL" -v ON_ERROR_STOP=1 -Atqc "$1"; }
use_fresh_database() {
    require_test_database
    fresh_database_name="joulesweep_system_$$"
    admin "CREATE DATABASE $fresh_database_name"
    trap 'admin "DROP DATABASE IF EXISTS $fresh_database_name WITH (FORCE)"; cleanup_test_dir' EXIT
    FRESH_DB="$JOULESWEEP_TEST_DATABASE_URL dbname=$fresh_database_name"
    export FRESH_DB
}

# run_joulesweep ARGS...: runs the binary, leaving its exit code in $status and its
# stdout and stderr in $out and $err.
# shellcheck disable=SC2034  # status, out and err are read by the tests that source this file
run_joulesweep() {
    local out_file="$TEST_DIR/.stdout" err_file="$TEST_DIR/.stderr"
    status=0
    "$JOULESWEEP" "$@" >"$out_file" 2>"$err_file" || status=$?
    out=$(cat "$out_file")
    err=$(cat "$err_file")
}

expect_status() {
    local expected=$1
    shift
    [[ "$status" == "$expected" ]] || fail "$* exited $status, expected $expected; stderr: $err"
}

expect_contains() {
    local haystack=$1 needle=$2
    [[ "$haystack" == *"$needle"* ]] || fail "expected to find '$needle' in: $haystack"
}

expect_one_line() {
    local text=$1
    [[ $(printf '%s\n' "$text" | wc -l) -eq 1 ]] || fail "expected a one-line message, got: $text"
}

# ---- joulesweep run: MPI jobs against a queue ---------------------------------------

# prepare_run_datasets NAME...: prepares those datasets into $TEST_DIR/datasets.
prepare_run_datasets() {
    local names
    names=$(IFS=,; echo "$*")
    run_joulesweep datasets prepare --source "$JOULESWEEP_SOURCE_DIR/data" --only "$names" \
        --datasets-dir "$TEST_DIR/datasets"
    expect_status 0 "datasets prepare --only $names"
}

# enqueue_runs LABEL REPETITIONS EPOCHS DATASET...: a small sweep (rectangle and
# trapezoid, depth 2 and 3, 512 parameters) of 4 x datasets x repetitions runs. Jobs
# (job_argv, submit) train them on the backend $RUN_BACKEND (default auto). Tests that
# need runs of a known length set it to eigen: their durations were measured on it, and
# auto's choice for these networks (packed, 4x faster) may change with the measurements
# behind it.
enqueue_runs() {
    local label=$1 repetitions=$2 epochs=$3
    shift 3
    local datasets
    datasets=$(IFS=,; echo "$*")
    cat >"$TEST_DIR/$label.yaml" <<YAML
label: $label
repetitions: $repetitions
grid:
  dataset: [$datasets]
  shape: [rectangle, trapezoid]
  depth: [2, 3]
  size: 512
  learning_rate: 0.01
  batch_size: 64
  epochs: $epochs
YAML
    run_joulesweep --db "$FRESH_DB" enqueue "$TEST_DIR/$label.yaml"
    expect_status 0 "enqueue $label"
}

fresh_query() { psql "$FRESH_DB" -v ON_ERROR_STOP=1 -Atqc "$1"; }

# job_argv ARGS...: sets JOB_ARGV to the mpirun command line of one job: 3 ranks (a
# coordinator and 2 workers) unless RANKS says otherwise, against $FRESH_DB, with
# datasets and shards under $TEST_DIR.
# Open MPI leaks in MPI_Init/MPI_Finalize from components it has unloaded by exit, which
# no suppression can name, so LeakSanitizer is off for the ranks (as for the MPI tests).
job_argv() {
    JOB_ARGV=(mpirun -x ASAN_OPTIONS=detect_leaks=0 -n "${RANKS:-3}" "$JOULESWEEP" --db "$FRESH_DB" run
        --datasets-dir "$TEST_DIR/datasets" --shard-dir "$TEST_DIR/shards" --backend "${RUN_BACKEND:-auto}" "$@")
}

# run_job ARGS...: runs one job to its end, like run_joulesweep.
# shellcheck disable=SC2034,SC2120  # status, out and err are read by the tests; ARGS are optional
run_job() {
    local out_file="$TEST_DIR/.stdout" err_file="$TEST_DIR/.stderr"
    status=0
    job_argv "$@"
    "${JOB_ARGV[@]}" >"$out_file" 2>"$err_file" || status=$?
    out=$(cat "$out_file")
    err=$(cat "$err_file")
}

# start_job LOG ARGS...: starts a job in the background; $job_pid is mpirun's pid.
# shellcheck disable=SC2034  # job_pid is read by the tests
start_job() {
    local log=$1
    shift
    job_argv "$@"
    "${JOB_ARGV[@]}" >"$log" 2>&1 &
    job_pid=$!
    started_jobs+=("$job_pid")
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
    local seconds=$1 description=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || fail "timed out after $seconds s waiting for $description"
        sleep 0.2
    done
}

# Runs with a current epoch of at least 1, i.e. training under a live coordinator.
runs_training() { [[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'running' AND current_epoch >= 1") -ge ${1:-1} ]]; }

# The pid of the live coordinator's process (rank 0), from the queue's own records.
coordinator_pid() { fresh_query "SELECT pid FROM coordinator WHERE state = 'active' ORDER BY coordinator_id DESC LIMIT 1"; }

# expect_all_stored_once TOTAL: every run done, one result each, none stored twice.
expect_all_stored_once() {
    local total=$1
    [[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'done'") == "$total" ]] ||
        fail "expected $total runs done: $(fresh_query "SELECT status, count(*) FROM run GROUP BY 1")"
    [[ $(fresh_query "SELECT count(*) FROM result") == "$total" ]] ||
        fail "expected $total results, found $(fresh_query "SELECT count(*) FROM result")"
    [[ $(fresh_query "SELECT count(*) FROM run r JOIN result s USING (run_id) WHERE s.attempt = r.attempt") == "$total" ]] ||
        fail "a result was stored under an attempt other than the run's last claim"
}

# shard_run_ids DIR: every run id in every shard under DIR (h5py, SWMR read), one per line.
shard_run_ids() {
    /usr/bin/python3 - "$1" <<'PY'
import glob, sys
import h5py
for path in sorted(glob.glob(sys.argv[1] + "/*.h5")):
    with h5py.File(path, "r", swmr=True) as f:
        for run_id in f["runs/run_id"][:]:
            print(int(run_id))
PY
}

# ---- Slurm: pilot jobs on a real single-node Slurm ------------------------------------

# use_slurm: starts munged, slurmctld and slurmd for this test (scripts/test-slurm.sh),
# stopped on exit, and exports SLURM_CONF. Jobs run as root and see this environment,
# with LeakSanitizer off for the ranks as under mpirun.
use_slurm() {
    [[ $(id -u) == 0 ]] || {
        [[ "${CI:-}" == "true" ]] && fail "the Slurm tests run as root under CI"
        echo "skipped: the Slurm tests start slurmd and must run as root" >&2
        exit "$SKIP_EXIT_CODE"
    }
    SLURM_CONF=$("$JOULESWEEP_SOURCE_DIR/scripts/test-slurm.sh" start "$TEST_DIR/slurm-cluster") ||
        fail "could not start Slurm: $(tail -n 5 "$TEST_DIR"/slurm-cluster/slurm/*.log 2>/dev/null)"
    export SLURM_CONF
    export ASAN_OPTIONS=detect_leaks=0
}

# submit ARGS...: slurm/joulesweep-submit with this test's binary, datasets, shards and
# logs; like run_joulesweep, leaves $status, $out (the job ids) and $err.
# shellcheck disable=SC2034  # status, out and err are read by the tests
submit() {
    local out_file="$TEST_DIR/.stdout" err_file="$TEST_DIR/.stderr"
    status=0
    "$JOULESWEEP_SOURCE_DIR/slurm/joulesweep-submit" --joulesweep "$JOULESWEEP" \
        --datasets-dir "$TEST_DIR/datasets" --shard-dir "$TEST_DIR/shards" \
        --log-dir "$TEST_DIR/logs" "$@" -- --backend "${RUN_BACKEND:-auto}" \
        >"$out_file" 2>"$err_file" || status=$?
    out=$(cat "$out_file")
    err=$(cat "$err_file")
}

# job_field JOB FIELD: one field of `scontrol show job`, e.g. JobState or ExitCode.
job_field() { scontrol show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }

job_finished() {
    case $(job_field "$1" JobState) in
        COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) return 0 ;;
        *) return 1 ;;
    esac
}

# expect_job_completed JOB: the job ended COMPLETED with exit code 0:0.
expect_job_completed() {
    local job=$1 state code
    state=$(job_field "$job" JobState)
    code=$(job_field "$job" ExitCode)
    [[ $state == COMPLETED && $code == 0:0 ]] ||
        fail "job $job ended $state with exit code $code: $(cat "$TEST_DIR/logs/joulesweep-$job.out" 2>/dev/null)"
}
