#!/usr/bin/env bash
# A malformed or unreachable --db is a clear error within seconds, and --db never starts
# an embedded server.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

cd "$TEST_DIR"

timed() {
    local started=$SECONDS
    run_joulesweep "$@"
    elapsed=$((SECONDS - started))
}

timed status --db "host=127.0.0.1 port"
expect_status 2 "status with a malformed --db"
expect_one_line "$err"
expect_contains "$err" "--db: malformed PostgreSQL connection string"

timed status --db "postgresql://x/y?nosuchparameter=1"
expect_status 2 "status with a malformed --db URI"
expect_contains "$err" "--db: malformed PostgreSQL connection string"

# A closed port on this machine: refused at once.
timed status --db "host=127.0.0.1 port=1 dbname=sweeps user=alice password=hunter2"
expect_status 1 "status with an unreachable --db"
expect_one_line "$err"
expect_contains "$err" "cannot connect to PostgreSQL (host=127.0.0.1 port=1 dbname=sweeps user=alice)"
[[ "$err" != *hunter2* ]] || fail "the password leaked into the error: $err"
((elapsed < 10)) || fail "the unreachable --db took ${elapsed}s to fail"

# A socket directory where no server lives.
JOULESWEEP_DB="host=$TEST_DIR/nowhere dbname=x" timed db migrate
expect_status 1 "db migrate with an unreachable JOULESWEEP_DB"
expect_contains "$err" "cannot connect to PostgreSQL (host=$TEST_DIR/nowhere dbname=x)"
((elapsed < 10)) || fail "the unreachable JOULESWEEP_DB took ${elapsed}s to fail"

run_joulesweep db start --db "host=127.0.0.1"
expect_status 2 "db start with --db"
expect_contains "$err" "starts and stops only its embedded cluster"

[[ ! -e "$TEST_DIR/.joulesweep" ]] || fail "--db created an embedded cluster"
echo "t0102: ok"
