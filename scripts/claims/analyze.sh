#!/usr/bin/env bash
# The claims experiment's analysis (docs/train-for-less.md, "The claims, measured"): for
# each dataset of the static grid, the size search replayed on the stored runs under
# every failure rule, to every 10th of BUTTER-E's 200 loss levels, on gross and on net
# joules and on flops (joulesweep search replay --csv); the iso-loss curves E(s, L) /
# E*(L) from SQL, in gross joules and in flops;
# then scripts/claims/analyze.py turns them into the M1-M5 tables (report.md) and the M1
# figure (iso-loss.png).
# Usage: scripts/claims/analyze.sh [OUT_DIR]   (default claims-report)
# Environment: JOULESWEEP_HOME or JOULESWEEP_DB (the database), JOULESWEEP (the
# executable, default build/release/app/joulesweep).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-claims-report}
joulesweep=${JOULESWEEP:-build/release/app/joulesweep}
readonly datasets=(connect_4 537_houses mnist)
# cost_cap is left out: a replay has no earlier success to cap against, so it equals full.
readonly rules=("proportional(0.001, 16)" "proportional(0.01, 16)" full "cap(30)" "cap(100)")
readonly epoch_cap=200 start_size=32 max_size=262144 level_step=10
if ! /usr/bin/python3 -c "import matplotlib, numpy" 2>/dev/null; then
    echo "claims: installing python3-matplotlib and python3-numpy for the figure" >&2
    apt-get install -y -q python3-matplotlib python3-numpy >/dev/null
fi
mkdir -p "$out"
url=$("$joulesweep" db url)
for dataset in "${datasets[@]}"; do
    for energy in gross net flops; do
        for index in "${!rules[@]}"; do
            "$joulesweep" search replay --dataset "$dataset" --levels "$level_step" \
                --monitored validation --energy "$energy" --failure "${rules[$index]}" \
                --epochs "$epoch_cap" --start-size "$start_size" --max-size "$max_size" \
                --csv "$out/replay-$dataset-$energy-$index.csv" >/dev/null
        done
    done
    # M8 (what this grid affords): the first rule again with ladder factor 4, and with
    # budgets T of 100 and 50 epochs (E*, s_opt and the full budget then stop at T too).
    for energy in gross flops; do
        for variant in "r4 4 $epoch_cap" "t100 2 100" "t50 2 50"; do
            read -r name factor cap <<<"$variant"
            "$joulesweep" search replay --dataset "$dataset" --levels "$level_step" \
                --monitored validation --energy "$energy" --failure "${rules[0]}" \
                --ladder-factor "$factor" --epochs "$cap" --start-size "$start_size" \
                --max-size "$max_size" --csv "$out/m8-$dataset-$energy-$name.csv" >/dev/null
        done
    done
    # M1: every size's median cost to every 20th level over E* of that level, in gross
    # joules and in flops. (\copy takes no psql variables; the dataset names are this
    # script's own.)
    psql "$url" -v ON_ERROR_STOP=1 -q >"$out/iso-loss-$dataset.csv" <<SQL
\copy (SELECT '$dataset' AS dataset, l.loss_index, l.loss, c.size, c.gross_j, g.e_star, c.flops, f.e_star AS flops_star FROM dataset_loss_levels('$dataset', 'validation') l CROSS JOIN LATERAL experiment_cost_to_target('$dataset', l.loss, 'validation') c JOIN LATERAL group_size_choice('$dataset', l.loss, 'validation', 'gross') g ON g.group_key = c.group_key AND g.hardware = c.hardware JOIN LATERAL group_size_choice('$dataset', l.loss, 'validation', 'flops') f ON f.group_key = c.group_key AND f.hardware = c.hardware WHERE l.loss_index % 20 = 0 ORDER BY l.loss_index, c.size) TO STDOUT WITH CSV HEADER
SQL
    # The live searches (live-searches.yaml) that have finished, and the same searches
    # replayed on the static grid to the same targets under the same rules.
    targets=$(psql "$url" -v ON_ERROR_STOP=1 -Atc \
        "SELECT string_agg(DISTINCT target::text, ',') FROM search_summary WHERE dataset = '$dataset'")
    [[ -n $targets ]] || continue
    index=0
    while IFS= read -r rule; do
        for energy in gross flops; do
            "$joulesweep" search replay --dataset "$dataset" --target "$targets" \
                --monitored validation --energy "$energy" --failure "$rule" \
                --epochs "$epoch_cap" --start-size "$start_size" --max-size "$max_size" \
                --csv "$out/live-replay-$dataset-$energy-$index.csv" >/dev/null
        done
        index=$((index + 1))
    done < <(psql "$url" -v ON_ERROR_STOP=1 -Atc \
        "SELECT DISTINCT failure FROM search_summary WHERE dataset = '$dataset' ORDER BY 1")
done
psql "$url" -v ON_ERROR_STOP=1 -q >"$out/live.csv" <<'SQL'
\copy (SELECT dataset, target, failure, searches, done, reached, smallest_size_reached, median_search_gross_j, median_search_flops FROM search_summary ORDER BY dataset, target DESC, failure) TO STDOUT WITH CSV HEADER
SQL
/usr/bin/python3 scripts/claims/analyze.py "$out"
echo "claims: the report is $out/report.md, the figure $out/iso-loss.png"
