#!/usr/bin/env bash
# run: SIGUSR1 to mpirun (forwarded to every rank) drains the job: running runs finish,
# claimed ones go back, exit 0; SIGTERM twice to the coordinator stops at once and gives
# everything back; a drain whose grace period ends cancels the running runs; SIGTERM to
# one worker drains the whole job; --time-limit drains; --wait keeps polling an empty
# queue and trains what arrives; a later job finishes the queue, every run stored once.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen  # the run lengths below are the Eigen backend's (lib.sh, enqueue_runs)
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana
enqueue_runs drain 3 40 banana  # 12 runs of about 2-4 s each

# finish_job LOG: waits for the job and checks that it exited 0, leaving nothing running.
finish_job() {
    local job_status=0
    wait "$job_pid" || job_status=$?
    [[ $job_status == 0 ]] || fail "the job exited $job_status: $(cat "$1")"
    [[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'running'") == 0 ]] ||
        fail "nothing should be left running: $(cat "$1")"
    [[ $(fresh_query "SELECT state FROM coordinator ORDER BY coordinator_id DESC LIMIT 1") == exited ]] ||
        fail "the coordinator should be marked exited"
}

# 1. One SIGUSR1 to mpirun: drain.
start_job "$TEST_DIR/drain.log" --grace 60 --prefetch 2
wait_for 60 "2 runs training" runs_training 2
kill -USR1 "$job_pid"
finish_job "$TEST_DIR/drain.log"
log=$(cat "$TEST_DIR/drain.log")
expect_contains "$log" "shutdown signal: draining"
expect_contains "$log" "drain complete: every running run finished"
expect_contains "$log" "released 2 runs back to the queue"
done_after_drain=$(fresh_query "SELECT count(*) FROM run WHERE status = 'done'")
[[ $done_after_drain -ge 2 ]] || fail "the 2 running runs should have finished: $log"

# 2. Two SIGTERMs to the coordinator: stop now.
start_job "$TEST_DIR/stop.log" --grace 60
wait_for 60 "2 runs training" runs_training 2
coordinator=$(coordinator_pid)
started=$SECONDS
kill -TERM "$coordinator"
sleep 0.3
kill -TERM "$coordinator"
finish_job "$TEST_DIR/stop.log"
((SECONDS - started < 15)) || fail "a second signal should stop the job at once"
log=$(cat "$TEST_DIR/stop.log")
expect_contains "$log" "second shutdown signal: releasing every claimed run and stopping now"

# 3. The grace period runs out: the running runs are cancelled and given back.
start_job "$TEST_DIR/grace.log" --grace 1
wait_for 60 "2 runs training" runs_training 2
kill -USR1 "$job_pid"
finish_job "$TEST_DIR/grace.log"
log=$(cat "$TEST_DIR/grace.log")
expect_contains "$log" "grace period of 1 s over with 2 runs still running"

# 4. A signal that reaches only one worker drains the job too.
start_job "$TEST_DIR/worker.log" --grace 60
wait_for 60 "2 runs training" runs_training 2
coordinator=$(coordinator_pid)
worker=$(pgrep -P "$job_pid" -f "joulesweep.* run" | grep -vx "$coordinator" | head -1)
[[ -n "$worker" ]] || fail "no worker process found"
kill -TERM "$worker"
finish_job "$TEST_DIR/worker.log"
expect_contains "$(cat "$TEST_DIR/worker.log")" "shutdown signal: draining"

# 5. --time-limit: a drain at the limit.
start_job "$TEST_DIR/limit.log" --time-limit 3 --grace 60
finish_job "$TEST_DIR/limit.log"
expect_contains "$(cat "$TEST_DIR/limit.log")" "time limit of 3 s reached"

run_job
expect_status 0 "the job that finishes the queue"
expect_all_stored_once 12

# 6. --wait: an empty queue is polled until work arrives; a signal ends the wait.
start_job "$TEST_DIR/wait.log" --wait
sleep 3
kill -0 "$job_pid" 2>/dev/null || fail "a job with --wait should keep polling: $(cat "$TEST_DIR/wait.log")"
enqueue_runs late 1 2 banana  # 4 runs
runs_done() { [[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'done'") == "$1" ]]; }
wait_for 60 "the late runs to be done" runs_done 16
kill -USR1 "$job_pid"
finish_job "$TEST_DIR/wait.log"
expect_all_stored_once 16
