#!/usr/bin/env bash
# datasets import: a user's CSV file becomes a dataset that sweeps and searches name. Every
# bad file is refused with exit code 2, a message naming what is wrong, and nothing
# written; a good one is listed, enqueued (runs and a search) and trained by a job.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen
datasets="$TEST_DIR/datasets"

# 600 rows: an identifier, two numbers, a colour; the class depends on the numbers.
awk 'BEGIN { srand(7); print "id,x1,x2,colour,\"label, class\""
             for (i = 0; i < 600; i++) { a = rand(); b = rand(); c = (i % 3 == 0) ? "red" : "blue"
                 printf "%d,%.4f,%.4f,%s,%s\n", i, a, b, c, (a + b > 1) ? "high" : "low" } }' \
    >"$TEST_DIR/shop.csv"

# expect_refused MESSAGE ARGS...: import refused with exit code 2 (bad input), or $EXIT
# (1: a file that cannot be read), and a one-line message naming what is wrong.
expect_refused() {
    local message=$1
    shift
    run_joulesweep datasets import "$@" --datasets-dir "$datasets"
    expect_status "${EXIT:-2}" "datasets import $*"
    expect_contains "$err" "$message"
    expect_one_line "$err"
}
expect_refused "no column named 'label' to predict; the header names 'id', 'x1', 'x2', 'colour', 'label, class'" \
    "$TEST_DIR/shop.csv" --target label
expect_refused "target column 'colour' is not numeric: data row 1 holds 'red'" \
    "$TEST_DIR/shop.csv" --target colour --task regression --name shop
expect_refused "unknown task 'ordinal'" "$TEST_DIR/shop.csv" --target x1 --task ordinal
printf 'x,y\n1,a\n2,a\n' >"$TEST_DIR/one-class.csv"
expect_refused "target column 'y' has one class only" "$TEST_DIR/one-class.csv" --target y
: >"$TEST_DIR/empty.csv"
expect_refused "empty.csv: empty file, expected a header row" "$TEST_DIR/empty.csv" --target y
printf 'x,y\n1,2\n3\n' >"$TEST_DIR/ragged.csv"
expect_refused "ragged.csv: data row 2: 1 cells, the header has 2" "$TEST_DIR/ragged.csv" --target y
printf 'x,y\n1,2\nNaN,3\n' >"$TEST_DIR/nan.csv"
expect_refused "column 'x', data row 2: 'NaN' is not a finite number" "$TEST_DIR/nan.csv" --target y
expect_refused "'mnist' is one of BUTTER's datasets" "$TEST_DIR/shop.csv" --target x1 --name mnist
EXIT=1 expect_refused "cannot open $TEST_DIR/absent.csv" "$TEST_DIR/absent.csv" --target y
[[ ! -e $datasets ]] || [[ -z $(ls -A "$datasets") ]] ||
    fail "a refused import should write nothing: $(ls -l "$datasets")"

run_joulesweep datasets import "$TEST_DIR/shop.csv" --target "label, class" --drop id \
    --datasets-dir "$datasets"
expect_status 0 "datasets import shop.csv"
expect_contains "$out" "imported shop: 600 rows, 3 features -> 3 inputs (1 binary, 2 min_max), target 'label, class' -> 1 output (binary, inferred, binary_crossentropy)"
[[ -s $datasets/shop.h5 && -s $datasets/shop.import.json ]] || fail "import should write shop.h5 and its manifest"
run_joulesweep datasets import "$TEST_DIR/shop.csv" --target x2 --datasets-dir "$datasets"
expect_status 2 "a second import under the same name"
expect_contains "$err" "'shop' was imported from $TEST_DIR/shop.csv at"
run_joulesweep datasets list --datasets-dir "$datasets"
expect_status 0 "datasets list"
expect_contains "$out" "shop"
expect_contains "$out" "imported $(date -u +%F) from $TEST_DIR/shop.csv"

# Runs and a search on it, enqueued and trained like BUTTER's datasets.
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
cat >"$TEST_DIR/shop.yaml" <<'YAML'
label: shop
repetitions: 2
grid: {dataset: shop, shape: [rectangle, trapezoid], depth: 3, size: 256, epochs: 15,
       learning_rate: 0.01, batch_size: 32}
YAML
run_joulesweep --db "$FRESH_DB" enqueue "$TEST_DIR/shop.yaml"
expect_status 2 "enqueue without the datasets directory that describes shop"
expect_contains "$err" "shop"
run_joulesweep --db "$FRESH_DB" enqueue "$TEST_DIR/shop.yaml" --datasets-dir "$datasets"
expect_status 0 "enqueue a sweep of an imported dataset"
expect_contains "$out" "enqueued 2 new experiments"
run_joulesweep --db "$FRESH_DB" search --dataset shop --target 0.5 --start-size 16 --max-size 256     --epochs 20 --validation-fraction 0.1 --repetitions 1 --failure full --label shop     --datasets-dir "$datasets"
expect_status 0 "search --dataset shop"
run_job
expect_status 0 "a job training the imported dataset"
[[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'done'") == 5 ]] ||
    fail "every run and the search should be done: $(fresh_query "SELECT status, last_error FROM run")"
[[ $(fresh_query "SELECT count(*) FROM result JOIN run USING (run_id) JOIN experiment USING (experiment_id)
                  WHERE dataset = 'shop' AND array_length(test_loss, 1) = 15") == 4 ]] ||
    fail "four results of 15 epochs each: $(fresh_query "SELECT run_id, array_length(test_loss, 1) FROM result")"
[[ $(fresh_query "SELECT count(*) FROM search_attempt") -ge 1 ]] || fail "the search should store its attempts"
# The networks were sized from the manifest: one output.
[[ $(fresh_query "SELECT DISTINCT widths[array_upper(widths, 1)] FROM result") == 1 ]] ||
    fail "every network should end in one output: $(fresh_query "SELECT widths FROM result")"
