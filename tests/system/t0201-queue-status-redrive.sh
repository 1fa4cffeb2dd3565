#!/usr/bin/env bash
# status prints the queue as aligned tables from the views; queue redrive puts dead
# letters back (only the matching ones with --matching, nothing with --dry-run).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
export JOULESWEEP_DB="$FRESH_DB"
sql() { psql "$JOULESWEEP_DB" -v ON_ERROR_STOP=1 -Atqc "$1"; }

run_joulesweep status
expect_status 0 "status on an empty database"
expect_contains "$out" "queue: not shown until the schema is migrated (joulesweep db migrate)"

run_joulesweep db migrate
expect_status 0 "db migrate"
run_joulesweep status
expect_status 0 "status on an empty queue"
expect_contains "$out" "no runs queued yet: add a sweep with \`joulesweep enqueue\`"

cat >"$TEST_DIR/sweep.yaml" <<'YAML'
label: o'brien "quoted"
repetitions: 2
grid:
  dataset: [529_pollen, mnist]
  shape: rectangle
  depth: 2
  size: 16384
  epochs: 5
YAML
run_joulesweep enqueue "$TEST_DIR/sweep.yaml"
expect_status 0 "enqueue"

# Two dead letters with different causes, one run in flight at epoch 2, one done.
sql "INSERT INTO coordinator (host, pid, worker_count, software, slurm_job_id)
     VALUES ('node-9', 4242, 8, 'test', '31337')"
# Run 1 failed three times before it was dead-lettered: 2 failed runs, 4 failed attempts.
sql "UPDATE run SET status = 'failed', finished_at = now(), last_error = 'unknown optimizer ''adagrad''',
     error_count = 3 WHERE run_id = 1"
sql "UPDATE run SET status = 'failed', finished_at = now(), last_error = 'out of memory', error_count = 1
     WHERE run_id = 2"
sql "UPDATE run SET status = 'running', owner_id = 1, attempt = 1, claimed_at = now(), current_epoch = 2
     WHERE run_id = 3"

run_joulesweep status --limit 5
expect_status 0 "status on a busy queue"
expected_progress=$(cat <<'TEXT'
Progress by sweep
  sweep             total  done  failed  failed attempts  running  pending  done %  runs/min  eta
  ----------------  -----  ----  ------  ---------------  -------  -------  ------  --------  ---
  o'brien "quoted"      4     0       2                4        1        1     0.0         -  -
TEXT
)
expect_contains "$out" "$expected_progress"
expect_contains "$out" "  1  31337      node-9  4242  active        8"
expect_contains "$out" "2/5"
expect_contains "$out" "unknown optimizer 'adagrad'"

run_joulesweep status --limit 0
expect_status 2 "status --limit 0"
expect_contains "$err" "status: --limit must be at least 1, got 0"

run_joulesweep queue redrive --matching adagrad --dry-run
expect_status 0 "queue redrive --dry-run"
expect_contains "$out" "would redrive 1 failed runs whose last error contains 'adagrad'"
[[ $(sql "SELECT count(*) FROM run WHERE status = 'failed'") == 2 ]] || fail "--dry-run changed runs"

run_joulesweep queue redrive --matching adagrad
expect_status 0 "queue redrive --matching"
expect_contains "$out" "redrove 1 failed runs whose last error contains 'adagrad'"
[[ $(sql "SELECT status FROM run WHERE run_id = 1") == pending ]] || fail "run 1 was not redriven"
[[ $(sql "SELECT status FROM run WHERE run_id = 2") == failed ]] || fail "run 2 was redriven"

run_joulesweep queue redrive
expect_status 0 "queue redrive"
expect_contains "$out" "redrove 1 failed runs"
[[ $(sql "SELECT count(*) FROM run WHERE status = 'failed'") == 0 ]] || fail "dead letters remain"

run_joulesweep queue requeue
expect_status 2 "queue with an unknown action"
expect_contains "$err" "queue: unknown action 'requeue' (expected redrive)"
