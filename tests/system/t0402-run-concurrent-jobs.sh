#!/usr/bin/env bash
# run: three mpirun jobs at once on one queue finish it, no run is claimed or stored
# twice, and each job writes its own shard.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana 529_pollen
enqueue_runs together 4 3 banana 529_pollen  # 32 runs

pids=()
for index in 1 2 3; do
    start_job "$TEST_DIR/job-$index.log"
    pids+=("$job_pid")
done
for index in 0 1 2; do
    wait "${pids[$index]}" || fail "job $((index + 1)) failed: $(cat "$TEST_DIR/job-$((index + 1)).log")"
done
expect_all_stored_once 32
[[ $(fresh_query "SELECT max(attempt) FROM run") == 1 ]] || fail "a run was claimed twice"
[[ $(fresh_query "SELECT count(*) FROM coordinator WHERE state = 'exited'") == 3 ]] ||
    fail "three coordinators should have exited"
[[ $(find "$TEST_DIR/shards" -name '*.h5' | wc -l) == 3 ]] || fail "each job should write its own shard"
shard_run_ids "$TEST_DIR/shards" | sort -n >"$TEST_DIR/shard_ids"
[[ -z $(uniq -d "$TEST_DIR/shard_ids") ]] || fail "a run is in two shards"
[[ $(wc -l <"$TEST_DIR/shard_ids") == 32 ]] || fail "the shards should hold 32 runs"
