#!/usr/bin/env bash
# Helpers for tests/system/tNNNN-*.sh. Each test sources this file, runs the real
# joulesweep binary ($JOULESWEEP, set by CTest) and fails on the first broken expectation.
set -euo pipefail

status=0
out=""
err=""

: "${JOULESWEEP:?set JOULESWEEP to the joulesweep binary (CTest does)}"
readonly SKIP_EXIT_CODE=77

TEST_DIR=$(mktemp -d /tmp/joulesweep-system.XXXXXX)
chmod 755 "$TEST_DIR"  # the embedded server's user must be able to enter it when run as root
export TEST_DIR

cleanup_test_dir() {
    # Stop any embedded cluster a test left running, then remove everything.
    local home
    for home in "$TEST_DIR"/*/; do
        if [[ -d "$home/postgres" ]]; then
            "$JOULESWEEP" --data-dir "$home" db stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$TEST_DIR"
}
trap cleanup_test_dir EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Skips (exit 77) when the test database is missing, except under CI where it must exist.
require_test_database() {
    if [[ -z "${JOULESWEEP_TEST_DATABASE_URL:-}" ]]; then
        if [[ "${CI:-}" == "true" ]]; then
            fail "JOULESWEEP_TEST_DATABASE_URL is not set under CI (scripts/test.sh sets it)"
        fi
        echo "skipped: JOULESWEEP_TEST_DATABASE_URL is not set" >&2
        exit "$SKIP_EXIT_CODE"
    fi
}

# use_fresh_database: creates an empty database on the test server, dropped on exit, and
# sets FRESH_DB to its connection string. Call admin SQL for server-wide statements.
admin() { psql "$JOULESWEEP_TEST_DATABASE_URL" -v ON_ERROR_STOP=1 -Atqc "$1"; }
use_fresh_database() {
    require_test_database
    fresh_database_name="joulesweep_system_$$"
    admin "CREATE DATABASE $fresh_database_name"
    trap 'admin "DROP DATABASE IF EXISTS $fresh_database_name WITH (FORCE)"; cleanup_test_dir' EXIT
    FRESH_DB="$JOULESWEEP_TEST_DATABASE_URL dbname=$fresh_database_name"
    export FRESH_DB
}

# run_joulesweep ARGS...: runs the binary, leaving its exit code in $status and its
# stdout and stderr in $out and $err.
# shellcheck disable=SC2034  # status, out and err are read by the tests that source this file
run_joulesweep() {
    local out_file="$TEST_DIR/.stdout" err_file="$TEST_DIR/.stderr"
    status=0
    "$JOULESWEEP" "$@" >"$out_file" 2>"$err_file" || status=$?
    out=$(cat "$out_file")
    err=$(cat "$err_file")
}

expect_status() {
    local expected=$1
    shift
    [[ "$status" == "$expected" ]] || fail "$* exited $status, expected $expected; stderr: $err"
}

expect_contains() {
    local haystack=$1 needle=$2
    [[ "$haystack" == *"$needle"* ]] || fail "expected to find '$needle' in: $haystack"
}

expect_one_line() {
    local text=$1
    [[ $(printf '%s\n' "$text" | wc -l) -eq 1 ]] || fail "expected a one-line message, got: $text"
}
