#!/usr/bin/env bash
# Prints the .cpp files clang-tidy must check, one per line, relative to the repository.
#
# clang-tidy is most of CI's time (about 25 min over every file on 2 cores). A file that
# has not changed since the last full clean pass, recorded as a commit in
# .ci/tidy-baseline, was clean then under the same checks and flags, so only these need
# checking again: .cpp files changed since the baseline (committed or not), and every
# .cpp file that includes a changed header, directly or through other headers.
# Everything is checked when the checks or compile flags changed (.clang-tidy, cmake/,
# CMakePresets.json), when the baseline is not in this clone's history, or with --full.
#
# Usage: scripts/tidy-files.sh [--full]
set -euo pipefail
cd "$(dirname "$0")/.."

readonly sources_regex='^(common|worker|coordinator|benchmarks|app|tests)/.*\.cpp$'

all_sources() { git ls-files '*.cpp' | grep -E "$sources_regex" || true; }

baseline=$(sed -n 's/^\([0-9a-f]\{40\}\).*/\1/p' .ci/tidy-baseline 2>/dev/null | head -n 1)
if [[ ${1:-} == --full || -z $baseline ]] || ! git cat-file -e "$baseline^{commit}" 2>/dev/null; then
    all_sources
    exit 0
fi

mapfile -t changed < <({
    git diff --name-only "$baseline" --
    git ls-files --others --exclude-standard
} | sort -u)

for path in "${changed[@]}"; do
    if [[ $path == .clang-tidy || $path == CMakePresets.json || $path == cmake/* ]]; then
        all_sources
        exit 0
    fi
done

declare -A selected=() seen_headers=()
pending_headers=()
for path in "${changed[@]}"; do
    [[ -f $path ]] || continue
    case $path in
        *.cpp) [[ $path =~ $sources_regex ]] && selected[$path]=1 ;;
        *.hpp) pending_headers+=("$path") ;;
    esac
done

# Follow includes outward: a file including a changed header changes with it. Matching
# on the header's file name may pick up a namesake's includers too, which only costs time.
while ((${#pending_headers[@]} > 0)); do
    header=${pending_headers[-1]}
    unset 'pending_headers[-1]'
    name=$(basename "$header")
    [[ -z ${seen_headers[$name]:-} ]] || continue
    seen_headers[$name]=1
    while IFS= read -r includer; do
        case $includer in
            *.cpp) [[ $includer =~ $sources_regex ]] && selected[$includer]=1 ;;
            *.hpp) pending_headers+=("$includer") ;;
        esac
    done < <(git grep -l -E "#include [\"<]([^\">]*/)?${name//./\\.}[\">]" -- '*.cpp' '*.hpp' || true)
done

if ((${#selected[@]} > 0)); then
    printf '%s\n' "${!selected[@]}" | sort
fi
