#!/usr/bin/env bash
# enqueue: a malformed sweep file is rejected with its specific error and enqueues
# nothing; --dry-run writes nothing; a good file enqueues once; presets are listed.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
export JOULESWEEP_DB="$FRESH_DB"
count_runs() { psql "$JOULESWEEP_DB" -Atc "SELECT count(*) FROM run"; }

run_joulesweep db migrate
expect_status 0 "db migrate"

cat >"$TEST_DIR/bad.yaml" <<'YAML'
label: bad
grid:
  dataset: [529_pollen, nosuch]
  shape: rectangle
  depth: 2
  size: 1024
YAML
run_joulesweep enqueue "$TEST_DIR/bad.yaml"
expect_status 2 "enqueue of a file with an unknown dataset"
expect_one_line "$err"
expect_contains "$err" "bad.yaml:3:25: grid.dataset: unknown dataset 'nosuch'"
[[ $(count_runs) == 0 ]] || fail "a rejected file enqueued runs"

cat >"$TEST_DIR/good.yaml" <<'YAML'
label: demo
repetitions: 2
grid:
  dataset: [529_pollen, mnist]
  shape: [rectangle, exponential]
  depth: [2, 3]
  size: [256, 4096]
  epochs: 5
YAML
# An enqueue that fails after printing its plan says that nothing was written: a server
# that is down, a database whose schema is not migrated.
run_joulesweep --db "host=$TEST_DIR/no-server dbname=none" enqueue "$TEST_DIR/good.yaml"
expect_status 1 "enqueue with the server down"
expect_contains "$out" "work = parameters x epochs x training samples"
expect_contains "$err" "; nothing was written, the queue is as it was"
admin "CREATE DATABASE ${fresh_database_name}_bare"
bare_db="${FRESH_DB/dbname=$fresh_database_name/dbname=${fresh_database_name}_bare}"
[[ "$bare_db" != "$FRESH_DB" ]] || fail "could not name the unmigrated database: $FRESH_DB"
run_joulesweep --db "$bare_db" enqueue "$TEST_DIR/good.yaml"
admin "DROP DATABASE ${fresh_database_name}_bare"
[[ $status != 0 ]] || fail "enqueue into an unmigrated database should fail"
expect_contains "$err" "run \`joulesweep db migrate\`; nothing was written, the queue is as it was"

run_joulesweep enqueue "$TEST_DIR/good.yaml" --dry-run
expect_status 0 "enqueue --dry-run"
expect_contains "$out" "dry run: nothing was written"
expect_contains "$out" "mnist"
[[ $(count_runs) == 0 ]] || fail "--dry-run enqueued runs"

run_joulesweep enqueue "$TEST_DIR/good.yaml"
expect_status 0 "enqueue"
expect_contains "$out" "new runs"
first=$(count_runs)
((first > 0)) || fail "enqueue added no runs"
run_joulesweep enqueue "$TEST_DIR/good.yaml"
expect_contains "$out" "enqueued 0 new experiments"
[[ $(count_runs) == "$first" ]] || fail "enqueueing the same file twice added runs"

run_joulesweep enqueue --list-presets
expect_status 0 "enqueue --list-presets"
# One line each, with what it would enqueue and what it varies.
for preset in primary 300_epoch 30k_epoch learning_rate label_noise batch_size regularization optimizer \
    energy_2_cpu energy_3_cpu_extra_depths energy_4_cpu_extra_shapes; do
    grep -Eq "^$preset +[0-9]+ +[0-9]+  [a-zA-Z0-9']" <<<"$out" ||
        fail "enqueue --list-presets should give $preset a line with its size: $out"
done
expect_contains "$out" "primary                            27141       814230  BUTTER's main grid"
expect_contains "$out" "energy_2_cpu                       10312        10312  BUTTER-E: "
# Their union: an experiment in several presets counts once (docs/sweeps.md, "Totals").
expect_contains "$out" "all                               244348      5403675  every preset above, each experiment once"
run_joulesweep enqueue --preset secondary
expect_status 2 "enqueue --preset secondary"
expect_contains "$err" "unknown preset 'secondary'"
run_joulesweep enqueue
expect_status 2 "enqueue with nothing"
expect_contains "$err" "missing sweep FILE or --preset NAME"
echo "t0200: ok"
