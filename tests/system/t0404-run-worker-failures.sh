#!/usr/bin/env bash
# run: a run whose worker throws (its dataset file is missing) fails with that message
# and goes back to the queue after a backoff; a run whose configuration can never train
# is dead-lettered at once; the other runs finish and the job exits 0.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana  # 529_pollen is enqueued but never prepared
enqueue_runs failures 1 2 banana 529_pollen
# A network of 3 layers cannot have 5 parameters: no retry can fix that.
fresh_query "INSERT INTO experiment (experiment_key, dataset, shape, depth, size, learning_rate,
    batch_size, optimizer, epochs, config) VALUES ('impossible', 'banana', 'rectangle', 3, 5,
    0.01, 64, 'adam', 2, '{}');
  INSERT INTO run (experiment_id, repetition, seed) SELECT experiment_id, 0, 7 FROM experiment
    WHERE experiment_key = 'impossible'"

run_job --retry-backoff 60
expect_status 0 "run"
expect_contains "$out" "529_pollen rectangle depth 2 size 512) failed on rank"
expect_contains "$out" "529_pollen.h5"
expect_contains "$out" "will be retried after a backoff"
expect_contains "$out" "dead-lettered (permanent, or too many failures)"
expect_contains "$out" "4 runs done, 5 failed"
[[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'done'") == 4 ]] || fail "the 4 banana runs should be done"
[[ $(fresh_query "SELECT count(*) FROM run r JOIN experiment e USING (experiment_id)
    WHERE e.dataset = '529_pollen' AND r.status = 'pending' AND r.error_count = 1
      AND r.last_error LIKE 'storage error: %529_pollen.h5%' AND r.not_before > now()") == 4 ]] ||
    fail "the 4 pollen runs should wait to be retried: $(fresh_query "SELECT status, error_count, last_error FROM run")"
[[ $(fresh_query "SELECT status || ' ' || error_count FROM run r JOIN experiment e USING (experiment_id)
    WHERE e.experiment_key = 'impossible'") == "failed 1" ]] || fail "the impossible run should be dead-lettered at once"
[[ $(fresh_query "SELECT last_error FROM run r JOIN experiment e USING (experiment_id)
    WHERE e.experiment_key = 'impossible'") == "config error: "* ]] || fail "the dead letter should say why"
