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
