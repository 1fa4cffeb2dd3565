#!/usr/bin/env bash
# Several commands starting the same embedded cluster at once end with one healthy server.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

home="$TEST_DIR/home"
pids=()
for index in 1 2 3 4; do
    "$JOULESWEEP" --data-dir "$home" db start >"$TEST_DIR/start-$index.out" 2>&1 &
    pids+=($!)
done
for index in "${!pids[@]}"; do
    wait "${pids[$index]}" || fail "start $((index + 1)) failed: $(cat "$TEST_DIR/start-$((index + 1)).out")"
done

postmasters=$(pgrep -fc -- "postgres -D $home/postgres" || true)
[[ "$postmasters" == 1 ]] || fail "expected one postmaster for $home, found $postmasters"
grep -c "creating the embedded PostgreSQL cluster" "$TEST_DIR"/start-*.out | awk -F: '{s += $2} END {exit s != 1}' ||
    fail "the cluster was initialised more than once"

run_joulesweep --data-dir "$home" db migrate
expect_status 0 "db migrate after concurrent starts"
run_joulesweep --data-dir "$home" status
expect_status 0 "status after concurrent starts"
expect_contains "$out" "(current)"
run_joulesweep --data-dir "$home" db stop
expect_status 0 "db stop"
echo "t0101: ok"
