#!/usr/bin/env bash
# run: PostgreSQL restarts while runs train; the coordinator loses the connection,
# reconnects with backoff, and stores every result once; the workers never stop.
# The job uses joulesweep's embedded cluster, which this test stops and starts.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
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
