#!/usr/bin/env bash
# Shared by scripts/demo.sh and scripts/test.sh: timed steps, dependencies and a build.

started_at=$SECONDS

# step TEXT: announces a stage with the seconds elapsed so far.
step() {
    echo "== $* ($((SECONDS - started_at)) s)"
}

# install_and_build PRESET: installs the Debian packages and builds that CMake preset.
install_and_build() {
    local preset=$1
    step "installing dependencies"
    scripts/install-deps.sh
    step "configuring and building (preset $preset)"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
}

# use_scratch_cluster: sets home to a fresh directory in /var/tmp for a private embedded
# PostgreSQL (joulesweep --data-dir "$home" ...), stopped and removed when the script
# exits. Needs $joulesweep.
use_scratch_cluster() {
    home=$(mktemp -d /var/tmp/joulesweep-bench.XXXXXX)
    chmod 755 "$home"  # as root the server runs as postgres, which must enter it
    # shellcheck disable=SC2154  # joulesweep is set by the caller
    trap '"$joulesweep" --data-dir "$home" db stop >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
}
