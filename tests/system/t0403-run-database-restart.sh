#!/usr/bin/env bash
# run: PostgreSQL restarts while runs train; the coordinator loses the connection,
# reconnects with backoff, and stores every result once; the workers never stop. A job
# that starts while the database is down waits for it (--connect-retry).
# The job uses joulesweep's embedded cluster, which this test stops and starts.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen  # the run lengths below are the Eigen backend's (lib.sh, enqueue_runs)
home="$TEST_DIR/home"
run_joulesweep --data-dir "$home" db start
expect_status 0 "db start"
run_joulesweep --data-dir "$home" db url
expect_status 0 "db url"
FRESH_DB=$out
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana
enqueue_runs restart 2 25 banana  # 8 runs of 1-3 s

start_job "$TEST_DIR/job.log" --lease 60
wait_for 60 "a run training" runs_training 1
run_joulesweep --data-dir "$home" db stop
expect_status 0 "db stop"
sleep 3  # runs finish while the database is down: their results must wait, not vanish
run_joulesweep --data-dir "$home" db start
expect_status 0 "db start again"
job_status=0
wait "$job_pid" || job_status=$?
log=$(cat "$TEST_DIR/job.log")
[[ $job_status == 0 ]] || fail "the job failed: $log"
expect_contains "$log" "database: lost during"
expect_contains "$log" "database: reconnected to"
expect_contains "$log" "8 runs done, 0 failed, 0 refused"
expect_all_stored_once 8
[[ $(shard_run_ids "$TEST_DIR/shards" | wc -l) == 8 ]] || fail "the shard should hold all 8 runs"

# The database is down when jobs start (a maintenance window): with --connect-retry 0 the
# job fails at once and claims nothing; by default the coordinator keeps trying with
# backoff while the workers wait, and trains once the server is back.
enqueue_runs late 1 5 banana  # 4 more runs
run_joulesweep --data-dir "$home" db stop
expect_status 0 "db stop before the next jobs"
run_job --connect-retry 0
[[ $status != 0 ]] || fail "a job should fail when the database is down and --connect-retry is 0"
start_job "$TEST_DIR/late.log"
wait_for 30 "the coordinator to find the database down" grep -q "database: unreachable at start" "$TEST_DIR/late.log"
sleep 2
run_joulesweep --data-dir "$home" db start
expect_status 0 "db start for the waiting job"
job_status=0
wait "$job_pid" || job_status=$?
log=$(cat "$TEST_DIR/late.log")
[[ $job_status == 0 ]] || fail "the job that waited for the database failed: $log"
expect_contains "$log" "for up to 120 s (--connect-retry)"
expect_contains "$log" "database: reachable after"
expect_contains "$log" "4 runs done, 0 failed, 0 refused"
expect_all_stored_once 12
