#!/usr/bin/env bash
# The embedded cluster: created on demand, migrated, stopped and started with its data,
# reachable by psql over its private socket and over TCP with its password file.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

home="$TEST_DIR/home"
js() { run_joulesweep --data-dir "$home" "$@"; }

js db status
expect_status 0 "db status before creation"
expect_contains "$out" "not created yet"

js db url
expect_status 2 "db url before creation"
expect_contains "$err" "has not been created yet"

# status starts the cluster on demand; the schema is still empty.
js status
expect_status 0 "status (starts the cluster)"
expect_contains "$out" "schema:       version 0 of"
expect_contains "$err" "creating the embedded PostgreSQL cluster"

js db migrate
expect_status 0 "db migrate"
expect_contains "$out" "applied migration 0001_create_installation"
js db migrate
expect_status 0 "db migrate again"
[[ "$out" != *"applied migration"* ]] || fail "second migrate applied something: $out"

js status
expect_status 0 "status after migrate"
expect_contains "$out" "(current)"
installation=$(printf '%s\n' "$out" | sed -n 's/^installation: \([0-9a-f-]*\).*/\1/p')
[[ -n "$installation" ]] || fail "status printed no installation id: $out"

js db url
url=$out
psql "$url" -Atc "CREATE TABLE note (text text); INSERT INTO note VALUES ('kept')" >/dev/null
js db url --tcp
expect_contains "$out" "host=127.0.0.1"
[[ $(psql "$out" -Atc "SELECT 1") == 1 ]] || fail "psql over TCP with the pgpass file failed"
# The log is its owner's alone, and a failing statement's text (here with a password in
# it) is not written to it.
[[ $(stat -c %a "$home/postgres.log") == 600 ]] ||
    fail "postgres.log should be mode 600, is $(stat -c %a "$home/postgres.log")"
psql "$url" -Atc "CREATE ROLE leak PASSWORD 'hunter3' NOSUCHOPTION" >/dev/null 2>&1 &&
    fail "the malformed CREATE ROLE should fail"
! grep -q hunter3 "$home/postgres.log" || fail "a failing statement's password reached postgres.log"
# A wrong password is reported at once, not retried for the job's whole connect window.
wrong_password="$out password=wrong passfile=/dev/null"
started=$SECONDS
run_job_status=0
mpirun -x ASAN_OPTIONS=detect_leaks=0 -n 2 "$JOULESWEEP" --db "$wrong_password" run \
    --connect-retry 60 --datasets-dir "$TEST_DIR/datasets" --shard-dir "$TEST_DIR/shards" \
    >"$TEST_DIR/wrong-password.log" 2>&1 || run_job_status=$?
[[ $run_job_status != 0 ]] || fail "run with a wrong password should fail"
grep -q "password authentication failed" "$TEST_DIR/wrong-password.log" ||
    fail "the error should say why: $(cat "$TEST_DIR/wrong-password.log")"
! grep -q "trying again" "$TEST_DIR/wrong-password.log" ||
    fail "a refused login should not be retried: $(cat "$TEST_DIR/wrong-password.log")"
((SECONDS - started < 30)) || fail "a refused login took $((SECONDS - started)) s to report"

# The server runs as an unprivileged user when we are root, never as root.
if [[ $(id -u) == 0 ]]; then
    owner=$(stat -c %U "$home/postgres")
    [[ "$owner" != root ]] || fail "the cluster belongs to root"
    pid=$(head -n1 "$home/postgres/postmaster.pid")
    [[ $(stat -c %U "/proc/$pid") != root ]] || fail "the postmaster runs as root"
fi

js db stop
expect_status 0 "db stop"
expect_contains "$out" "stopped the embedded PostgreSQL"
js db stop
expect_status 0 "db stop again"
expect_contains "$out" "was not running"
js db status
expect_contains "$out" "state:    stopped"

js db start
expect_status 0 "db start after stop"
expect_contains "$out" "running in $home"
[[ $(psql "$url" -Atc "SELECT text FROM note") == kept ]] || fail "data did not survive stop/start"
js status
expect_contains "$out" "$installation"
js db stop
echo "t0100: ok"
