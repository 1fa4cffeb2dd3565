#!/usr/bin/env bash
# Shared by the scripts: timed steps, dependencies and a build.

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

# install_missing PURPOSE PACKAGE...: installs the Debian packages not yet installed, for
# tools that only a benchmark or a generator needs (never the build, tests or runs).
install_missing() {
    local purpose=$1 package missing=()
    shift
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    if ((${#missing[@]} > 0)); then
        step "installing $purpose: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
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
