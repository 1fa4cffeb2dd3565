#!/usr/bin/env bash
# Against an external server: migrate applies once, status reads it, and a database whose
# schema is newer than the binary is refused with nothing changed.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
url="$FRESH_DB"
cd "$TEST_DIR"

run_joulesweep db migrate --db "$url"
expect_status 0 "db migrate --db"
expect_contains "$out" "applied migration 0001_create_installation"
run_joulesweep db migrate --db "$url"
expect_status 0 "db migrate --db again"
[[ "$out" != *"applied migration"* ]] || fail "second migrate applied something: $out"

JOULESWEEP_DB="$url" run_joulesweep status
expect_status 0 "status with JOULESWEEP_DB"
expect_contains "$out" "(current)"
expect_contains "$out" "dbname=$fresh_database_name"

psql "$url" -v ON_ERROR_STOP=1 -qc \
    "INSERT INTO schema_migrations (version, name, checksum, applied_by) VALUES (9999, 'from_the_future', 'x', 'joulesweep 9.9')"
run_joulesweep db migrate --db "$url"
expect_status 1 "db migrate on a newer schema"
expect_one_line "$err"
expect_contains "$err" "schema is at version 9999, newer than this joulesweep"
expect_contains "$err" "nothing was changed"
run_joulesweep status --db "$url"
expect_status 0 "status on a newer schema"
expect_contains "$out" "newer than this joulesweep knows"

[[ ! -e "$TEST_DIR/.joulesweep" ]] || fail "--db created an embedded cluster"
echo "t0103: ok"
