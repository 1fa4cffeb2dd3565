#!/usr/bin/env bash
# How fast migration 0016's cost-to-target functions answer over many stored runs, as
# docs/benchmarks.md reports it: installs, builds the release preset, fills a fresh
# embedded PostgreSQL (in /var/tmp, removed afterwards) with synthetic runs
# (scripts/bench-cost-to-target.sql: 13 datasets x GROUPS groups x 20 sizes x 3
# repetitions; GROUPS=1282 gives 1,000,000 runs), then times each question on one
# dataset (1/13 of the runs) with psql's \timing.
# Usage: scripts/bench-cost-to-target.sh [GROUPS]
set -euo pipefail
cd "$(dirname "$0")/.."
groups=${1:-1282}

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build release

joulesweep=build/release/app/joulesweep
use_scratch_cluster
"$joulesweep" --data-dir "$home" db migrate >/dev/null
url=$("$joulesweep" --data-dir "$home" db url)

step "filling $((13 * groups * 20 * 3)) synthetic runs"
SECONDS=0
psql "$url" -q -v groups="$groups" -f scripts/bench-cost-to-target.sql
echo "filled in ${SECONDS} s"

step "timing the questions on mnist ($((groups * 20 * 3)) runs)"
psql "$url" -q -v ON_ERROR_STOP=1 <<'SQL'
\timing on
\echo 'run_cost_to_target: every run of the dataset at one target'
SELECT count(*), count(epoch) FROM run_cost_to_target('mnist', 0.1, 'test');
\echo 'experiment_cost_to_target: medians per experiment'
SELECT count(*) FROM experiment_cost_to_target('mnist', 0.1, 'test');
\echo 'group_size_choice: E*, s_opt, s_min, Q per group at one target'
SELECT count(*), avg(q) FROM group_size_choice('mnist', 0.1, 'test');
\echo 'dataset_loss_levels: the 200 levels'
SELECT count(*) FROM dataset_loss_levels('mnist', 'test');
\echo 'group_best_loss: L_best per group'
SELECT count(*) FROM group_best_loss('mnist', 'test');
\echo 'Q <= 4 over 20 of the 200 levels (every 10th)'
SELECT count(*) FILTER (WHERE c.q <= 4)::float / nullif(count(c.q), 0)
FROM dataset_loss_levels('mnist', 'test') l
CROSS JOIN LATERAL group_size_choice('mnist', l.loss, 'test') c
WHERE l.loss_index % 10 = 0;
SQL
step "done"
