#!/usr/bin/env bash
# Slurm: a pilot job with a one-minute time limit gets SIGUSR1 before it (--signal
# B:USR1@20), its batch script passes the signal to srun, the coordinator drains and the
# job ends COMPLETED before its limit, with runs left over. A later job, submitted with
# --requeue, is requeued by Slurm while it trains: on Slurm's SIGTERM its coordinator
# gives every run back within --term-grace (before KillWait's SIGKILL), and the job
# starts again (writing <job>.1.h5) and finishes the queue: every run stored once, under
# the two jobs' ids.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen  # the run lengths below are the Eigen backend's (lib.sh, enqueue_runs)
use_slurm
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana
# 8 runs of at least 8 s each, so that one worker cannot finish them in the 40 s before
# the signal arrives at the latest. A Debug build with sanitizers trains a hundred times
# slower than a release build, so the epochs are sized from a short training here.
# training_seconds EPOCHS: the wall time of one training of a run's shape, start-up included.
training_seconds() {
    local started=$EPOCHREALTIME
    run_joulesweep train --dataset banana --shape rectangle --depth 2 --size 512 \
        --batch-size 64 --epochs "$1" --datasets-dir "$TEST_DIR/datasets"
    expect_status 0 "a $1-epoch training to size the runs"
    awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { print e - s }'
}
one=$(training_seconds 1)
six=$(training_seconds 6)
epochs=$(awk -v a="$one" -v b="$six" 'BEGIN { per = (b - a) / 5; n = (per > 0) ? int(8 / per) + 1 : 100000; print (n < 5 ? 5 : n) }')
enqueue_runs limit 2 "$epochs" banana
total=8

# Slurm checks time limits every 30 s, so the signal comes 10 to 40 s into the job.
submit --db "$FRESH_DB" --ranks-per-node 2 --time 1 --drain-before 20 --grace 2
expect_status 0 "submit the short job"
short=$out
expect_contains "$err" "drain 20 s before it (grace 2 s, 1 s after a SIGTERM)"
[[ $(job_field "$short" TimeLimit) == 00:01:00 ]] || fail "time limit: $(job_field "$short" TimeLimit)"
wait_for 120 "the short job to end" job_finished "$short"
expect_job_completed "$short"
log=$(cat "$TEST_DIR/logs/joulesweep-$short.out")
expect_contains "$log" "[pilot $short] SIGUSR1: passing it to the job step"
expect_contains "$log" "shutdown signal: draining (no more claims; running runs have 2 s)"
expect_contains "$log" "[pilot $short] job step ended with exit code 0"
[[ $(fresh_query "SELECT state FROM coordinator WHERE slurm_job_id = '$short'") == exited ]] ||
    fail "the drained coordinator should be marked exited"
done_by_short=$(fresh_query "SELECT count(*) FROM run WHERE status = 'done'")
((done_by_short < total)) || fail "the short job finished the queue ($epochs epochs a run) before its signal: $log"
[[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'pending'") == $((total - done_by_short)) ]] ||
    fail "every unfinished run should be back in the queue: $(fresh_query "SELECT status, count(*) FROM run GROUP BY 1")"
[[ $(fresh_query "SELECT coalesce(sum(error_count), 0) FROM run") == 0 ]] ||
    fail "a drain must not count as a failure"

submit --db "$FRESH_DB" --ranks-per-node 3 --time 10 --requeue
expect_status 0 "submit the requeueable job"
later=$out
wait_for 120 "the later job training" runs_training 1
scontrol requeue "$later"
# Slurm holds a requeued job for about two minutes; an administrator may release it now.
wait_for 30 "the job back in the queue" bash -c "[[ \$(scontrol show job $later) == *JobState=PENDING* ]]"
expect_contains "$(cat "$TEST_DIR/logs/joulesweep-$later.out")" \
    "shutdown signal (SIGTERM): draining (no more claims; running runs have 1 s)"
[[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'running'") == 0 ]] ||
    fail "the requeued job should have given its runs back, not left them to its lease"
[[ $(fresh_query "SELECT state FROM coordinator WHERE slurm_job_id = '$later'") == exited ]] ||
    fail "the requeued job's coordinator should have exited cleanly"
scontrol update JobId="$later" StartTime=now
wait_for 240 "the requeued job to end" job_finished "$later"
expect_job_completed "$later"
[[ $(job_field "$later" Restarts) == 1 ]] || fail "the job should have been restarted once"
log=$(cat "$TEST_DIR/logs/joulesweep-$later.out")
expect_contains "$log" "(requeued: restart 1)"
expect_contains "$log" "shard $TEST_DIR/shards/$later.1.h5 holds"
[[ -f "$TEST_DIR/shards/$later.h5" && -f "$TEST_DIR/shards/$later.1.h5" ]] ||
    fail "expected shards $later.h5 and $later.1.h5: $(ls "$TEST_DIR/shards")"

expect_all_stored_once "$total"
[[ $(fresh_query "SELECT count(*) FROM result WHERE slurm_job_id = '$short'") == "$done_by_short" ]] ||
    fail "the short job's results should carry its id"
[[ $(fresh_query "SELECT count(*) FROM result WHERE slurm_job_id = '$later'") == $((total - done_by_short)) ]] ||
    fail "the rest should carry the later job's id: $(fresh_query "SELECT slurm_job_id, count(*) FROM result GROUP BY 1")"
[[ $(shard_run_ids "$TEST_DIR/shards" | wc -l) == "$total" ]] || fail "every run should be in exactly one shard"
[[ $(shard_run_ids "$TEST_DIR/shards" | sort -u | wc -l) == "$total" ]] || fail "a run is in two shards"
