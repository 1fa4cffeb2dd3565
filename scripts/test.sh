#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian 12 machine (as root):
# installs the packages, builds the `ci` preset (ASan+UBSan, warnings as errors), lints,
# starts a throwaway PostgreSQL and runs every test with CTest. Exit 0 only if all pass.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build ci

step "linting"
scripts/lint.sh build/ci

step "starting the test PostgreSQL"
work_dir=$(mktemp -d /tmp/joulesweep-test.XXXXXX)
chmod 755 "$work_dir"
cleanup() {
    scripts/test-postgres.sh stop "$work_dir/postgres" || true
    rm -rf "$work_dir"
}
trap cleanup EXIT
JOULESWEEP_TEST_DATABASE_URL=$(scripts/test-postgres.sh start "$work_dir/postgres")
export JOULESWEEP_TEST_DATABASE_URL
# A skip is a failure here: the harness provides everything the tests need.
export CI=true

step "running the tests"
ctest --preset ci

step "all tests passed"
