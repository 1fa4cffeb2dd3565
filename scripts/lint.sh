#!/usr/bin/env bash
# Lint: formatting, clang-tidy over a configured build, and shellcheck. Exits non-zero
# on the first family with findings.
# clang-tidy checks only the files changed since its last full clean pass
# (scripts/tidy-files.sh explains the rule); --full checks every file.
# Usage: scripts/lint.sh [--full] [BUILD_DIR]   (default build/ci; needs its compile_commands.json)
set -euo pipefail
cd "$(dirname "$0")/.."

tidy_scope=()
if [[ ${1:-} == --full ]]; then
    tidy_scope=(--full)
    shift
fi
readonly build_dir=${1:-build/ci}
# clang-tidy prints this many checks for our .clang-tidy; a different count means the
# Checks string silently lost (or gained) a family. Update it deliberately.
readonly expected_check_count=279

mapfile -t cxx_files < <(git ls-files '*.cpp' '*.hpp')
mapfile -t shell_files < <(git ls-files '*.sh' '.ci/run' 'slurm/*.sbatch' 'slurm/joulesweep-submit')

echo "lint: clang-format on ${#cxx_files[@]} files"
clang-format-14 --dry-run --Werror "${cxx_files[@]}"

# CTest's test discovery splits a Catch test name at ';', so such a test would never run.
if grep -nE 'TEST_CASE\("[^"]*;' "${cxx_files[@]}"; then
    echo "lint: a TEST_CASE name above holds ';', which CTest splits: use ',' or ':'" >&2
    exit 1
fi

check_count=$(clang-tidy-14 --list-checks -p "$build_dir" common/src/error.cpp | grep -c '^    ')
if [[ "$check_count" != "$expected_check_count" ]]; then
    echo "lint: clang-tidy enables $check_count checks, expected $expected_check_count: is .clang-tidy's Checks list intact?" >&2
    exit 1
fi

mapfile -t tidy_files < <(scripts/tidy-files.sh "${tidy_scope[@]}")
total_files=$(git ls-files '*.cpp' | grep -cE '^(common|worker|coordinator|benchmarks|app|tests)/')
echo "lint: clang-tidy ($check_count checks) on ${#tidy_files[@]} of $total_files sources over $build_dir"
if ((${#tidy_files[@]} > 0)); then
    tidy_regex="^$PWD/($(printf '%s|' "${tidy_files[@]}" | sed 's/[.]/\\./g; s/|$//'))$"
    run-clang-tidy-14 -quiet -j 2 -p "$build_dir" "$tidy_regex" >"$build_dir/clang-tidy.log" 2>&1 || {
        sed "s/\x1b\[[0-9;]*m//g" "$build_dir/clang-tidy.log" | grep -E "(warning|error):" | sort -u >&2
        echo "lint: clang-tidy found problems (full log: $build_dir/clang-tidy.log)" >&2
        exit 1
    }
fi

echo "lint: shellcheck on ${#shell_files[@]} scripts"
shellcheck -x "${shell_files[@]}"
echo "lint: clean"
