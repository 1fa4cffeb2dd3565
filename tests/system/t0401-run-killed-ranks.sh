#!/usr/bin/env bash
# run: SIGKILL a worker rank mid-run, then the coordinator of another job: Open MPI
# aborts each job; after the lease expires the next job finishes the queue and every run
# is stored exactly once. While runs train, `status` shows them with their epoch.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen  # the run lengths below are the Eigen backend's (lib.sh, enqueue_runs)
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana
enqueue_runs kills 2 40 banana  # 8 runs of about 2-4 s each
readonly lease=4

# finish_queue: jobs until no run is left (a requeued run backs off for a second first).
finish_queue() {
    local attempt
    for attempt in 1 2 3 4 5; do
        run_job --lease "$lease" --retry-backoff 1
        expect_status 0 "run after the kill (attempt $attempt)"
        [[ $(fresh_query "SELECT count(*) FROM run WHERE status <> 'done'") == 0 ]] && return 0
        sleep 1.5
    done
    fail "the queue did not finish: $(fresh_query "SELECT status, count(*) FROM run GROUP BY 1")"
}

# kill_during_training WHICH: starts a job, waits until 2 runs train, SIGKILLs a rank.
kill_during_training() {
    local which=$1 log="$TEST_DIR/job-$1.log" coordinator victim
    start_job "$log" --lease "$lease" --retry-backoff 1
    wait_for 60 "2 runs training" runs_training 2
    coordinator=$(coordinator_pid)
    if [[ "$which" == coordinator ]]; then
        victim=$coordinator
    else
        victim=$(pgrep -P "$job_pid" -f "joulesweep.* run" | grep -vx "$coordinator" | head -1)
    fi
    [[ -n "$victim" ]] || fail "no $which process found"
    kill -KILL "$victim"
    local job_status=0
    wait "$job_pid" || job_status=$?
    [[ $job_status != 0 ]] || fail "mpirun should fail when a rank is killed: $(cat "$log")"
    [[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'running'") -ge 1 ]] ||
        fail "the killed job should have left runs claimed"
}

kill_during_training worker
# Runs in flight, with their epochs, from SQL: the dead job's runs are still listed.
run_joulesweep --db "$FRESH_DB" status
expect_status 0 "status"
expect_contains "$out" "Runs in flight"
grep -Eq "banana +(rectangle|trapezoid) +[23] +512 +[1-9][0-9]*/40 " <<<"$out" ||
    fail "status should show the runs in flight with their epoch: $out"
sleep $((lease + 1))
finish_queue
expect_all_stored_once 8
[[ $(fresh_query "SELECT count(*) FROM run WHERE lost_count >= 1") -ge 1 ]] ||
    fail "the killed job's runs should count a lost lease"
[[ $(fresh_query "SELECT count(*) FROM coordinator WHERE state = 'expired'") == 1 ]] ||
    fail "the killed job's coordinator should be expired"

enqueue_runs kills2 4 40 banana  # the same experiments, 2 more runs each
kill_during_training coordinator
sleep $((lease + 1))
finish_queue
expect_all_stored_once 16
[[ $(fresh_query "SELECT count(*) FROM coordinator WHERE state = 'expired'") == 2 ]] ||
    fail "both killed coordinators should be expired"
# The killed coordinator's shard is readable up to its last flushed run, by our reader too.
for shard in "$TEST_DIR"/shards/*.h5; do
    run_joulesweep shard "$shard"
    expect_status 0 "shard $shard"
done
# Every stored run is in exactly one shard (the killed jobs' shards hold only what they
# stored before dying), and the shards together miss none.
shard_run_ids "$TEST_DIR/shards" | sort -n >"$TEST_DIR/shard_ids"
[[ -z $(uniq -d "$TEST_DIR/shard_ids") ]] || fail "a run is in two shards"
[[ $(wc -l <"$TEST_DIR/shard_ids") == 16 ]] || fail "the shards should hold 16 runs: $(cat "$TEST_DIR/shard_ids")"
