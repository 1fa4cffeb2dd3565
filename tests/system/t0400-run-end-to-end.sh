#!/usr/bin/env bash
# run: a real mpirun job (a coordinator and 2 workers) trains a queued sweep to the end:
# a line per finished run and a progress line, every run stored once in PostgreSQL and
# in the job's HDF5 shard (read with h5py and with `joulesweep shard`, and equal to the
# database's numbers), exit 0 when nothing is left; --max-runs bounds a job; a job
# without workers is refused.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana 529_pollen
enqueue_runs e2e 2 4 banana 529_pollen

run_job --progress-interval 1
expect_status 0 "run"
expect_contains "$out" "coordinator 1 started: 2 workers"
expect_contains "$out" "done on rank 1: "
expect_contains "$out" "done on rank 2: "
expect_contains "$out" "529_pollen trapezoid depth 3 size 512 rep 1, 4 epochs, test loss "
expect_contains "$out" "progress: 16 done, 0 failed, 0 in flight, 0 claimed ahead |"
expect_contains "$out" "16 runs done, 0 failed, 0 refused"
[[ $(grep -c " done on rank " <<<"$out") == 16 ]] || fail "expected 16 run lines: $out"
expect_all_stored_once 16
[[ $(fresh_query "SELECT state FROM coordinator") == exited ]] || fail "the coordinator should be marked exited"
[[ $(fresh_query "SELECT count(*) FROM result WHERE host = '$(hostname)' AND array_length(test_loss, 1) = 4") == 16 ]] ||
    fail "every result should have 4 epochs and this host"

shard=$(ls "$TEST_DIR"/shards/*.h5)
[[ $(basename "$shard") == "$(hostname)-"*.h5 ]] || fail "the shard should be named after host and pid: $shard"
# The shard holds the database's runs with the database's numbers.
fresh_query "SELECT run_id, attempt, array_to_string(test_loss, ' '), array_to_string(widths, ' '), backend, threads,
                    energy_source, array_to_string(energy_gross_j, ' '), array_to_string(energy_net_j, ' '),
                    energy_provenance->>'attribution', energy_provenance->>'domains'
             FROM result ORDER BY run_id" >"$TEST_DIR/db.txt"
/usr/bin/python3 - "$shard" "$TEST_DIR/db.txt" <<'PY' || fail "the shard does not match the database"
import json, sys
import h5py
import numpy as np
expected = {}
for line in open(sys.argv[2]):
    run_id, attempt, losses, widths, backend, threads, source, gross, net, attribution, domains = \
        line.rstrip("\n").split("|")
    assert backend in ("eigen", "onednn", "packed") and threads == "1", (backend, threads)
    # This VM has no power counters: the estimate, split between the node's 2 workers.
    assert source == "estimate" and attribution == "cpu_time_share", (source, attribution)
    assert json.loads(domains) == ["cpu-time"], domains
    expected[int(run_id)] = (int(attempt), [float(x) for x in losses.split()], [int(x) for x in widths.split()],
                             backend.encode(), int(threads), [float(x) for x in gross.split()],
                             [float(x) for x in net.split()])
with h5py.File(sys.argv[1], "r", swmr=True) as f:
    assert f.attrs["format"] == b"joulesweep-shard" or f.attrs["format"] == "joulesweep-shard", f.attrs["format"]
    assert f.attrs["format_version"] == 5
    # No validation rows in these experiments: NaN validation statistics.
    assert f["epochs/validation_loss"].shape == f["epochs/test_loss"].shape
    assert all(v != v for v in f["epochs/validation_loss"][:16]), "validation_loss should be NaN"
    json.loads(f.attrs["software"])
    runs = f["runs"]
    n = runs["run_id"].shape[0]
    assert n == 16, n
    assert sorted(int(r) for r in runs["run_id"][:n]) == sorted(expected), "run ids differ"
    loss = f["epochs/test_loss"][:]
    width = f["layers/width"][:]
    gross_j = f["energy/gross_j"][:]
    net_j = f["energy/net_j"][:]
    share = f["epochs/energy_share"][:]
    rest_of_node = f["epochs/energy_rest_of_node_j"][:]
    for i in range(n):
        attempt, losses, widths, backend, threads, gross, net = expected[int(runs["run_id"][i])]
        assert runs["attempt"][i] == attempt
        assert "backend" not in runs and runs["backend_used"][i] == backend
        assert runs["shuffle"][i] == 1
        assert runs["threads"][i] == threads
        first, count = runs["epoch_offset"][i], runs["epoch_count"][i]
        assert count == 4 and runs["epochs"][i] == 4
        assert np.allclose(loss[first:first + count], losses, rtol=1e-6), (loss[first:first + count], losses)
        lo, lc = runs["layer_offset"][i], runs["layer_count"][i]
        assert list(width[lo:lo + lc]) == widths
        assert runs["dataset"][i] in (b"banana", b"529_pollen")
        assert runs["energy_source"][i] == b"estimate"
        provenance = json.loads(runs["energy_provenance"][i])
        assert provenance["attribution"] == "cpu_time_share" and "estimate" in provenance["flags"], provenance
        eo, ec = runs["energy_offset"][i], runs["energy_count"][i]
        assert ec == 4, ec  # 1 domain x 4 epochs
        assert np.allclose(gross_j[eo:eo + ec], gross, rtol=1e-6), (gross_j[eo:eo + ec], gross)
        assert np.allclose(net_j[eo:eo + ec], net, rtol=1e-6), (net_j[eo:eo + ec], net)
        assert all(0 <= s <= 1 for s in share[first:first + count]), share[first:first + count]
        assert np.isnan(rest_of_node[first:first + count]).all(), "no BMC here: no rest of the node"
        assert provenance["wall_source"] is None, provenance
        assert all(j >= 0 for j in gross), gross
    assert sum(sum(v[5]) for v in expected.values()) > 0, "the runs used CPU time: some joules"
    assert len(f["epochs"]) == 33
PY
# Energy: the job said where its joules come from, and the views add them up.
expect_contains "$out" "energy: estimate: 10 W per busy core"
[[ $(fresh_query "SELECT count(*) FROM run_energy WHERE source = 'estimate' AND gross_j > 0 AND epochs = 4
                    AND gross_j_per_train_sample > 0 AND 'shared_node' = ANY (flags)") == 16 ]] ||
    fail "run_energy should hold the 16 runs: $(fresh_query "SELECT * FROM run_energy")"
[[ $(fresh_query "SELECT count(*) FROM experiment_energy WHERE runs_measured = 2 AND sources = 'estimate'") == 8 ]] ||
    fail "experiment_energy: $(fresh_query "SELECT * FROM experiment_energy")"
[[ $(fresh_query "SELECT count(*) FROM dataset_energy WHERE runs_measured = 8
                    AND abs(total_gross_j - (SELECT sum(gross_j) FROM run_energy r WHERE r.dataset = dataset_energy.dataset)) < 1e-6") == 2 ]] ||
    fail "dataset_energy: $(fresh_query "SELECT * FROM dataset_energy")"
# No BMC beside RAPL here: no rest of the node, and the view says nothing.
[[ $(fresh_query "SELECT count(*) FROM result WHERE energy_wall_source IS NULL AND energy_rest_of_node_j IS NULL") == 16 &&
   $(fresh_query "SELECT count(*) FROM run_rest_of_node") == 0 ]] ||
    fail "rest of the node without a BMC: $(fresh_query "SELECT run_id, energy_wall_source FROM result")"
# Joules to a test loss every run reaches at its first epoch are that epoch's joules.
[[ $(fresh_query "SELECT count(*) FROM energy_to_test_loss('Infinity') t JOIN result s USING (run_id)
                    WHERE t.epoch = 1 AND t.gross_j = s.energy_gross_j[1]") == 16 ]] ||
    fail "energy_to_test_loss: $(fresh_query "SELECT * FROM energy_to_test_loss('Infinity')")"
[[ $(fresh_query "SELECT count(*) FROM energy_to_test_loss(-1)") == 0 ]] || fail "no loss is below -1"
[[ $(fresh_query "SELECT sum(runs_reaching) FROM experiment_energy_to_test_loss('Infinity')") == 16 ]] ||
    fail "experiment_energy_to_test_loss"
[[ $(fresh_query "SELECT sum(runs_reaching) FROM dataset_energy_to_test_loss(-1)") == 0 ]] ||
    fail "dataset_energy_to_test_loss"
# Train for less on the stored runs: every run's progress is stored (migration 0016), and
# the size search replayed on them (sizes 32 to 512; only 512 is stored, the rest are
# skipped) finds 512 in each of the 4 banana groups at the cost E* names: R = 1.
[[ $(fresh_query "SELECT count(*) FROM run_progress WHERE monitored = 'test' AND epochs = 4") == 16 ]] ||
    fail "run_progress: $(fresh_query "SELECT run_id, monitored, epochs FROM run_progress")"
[[ $(fresh_query "SELECT count(*) FROM group_size_choice('banana', 1e9, 'test') WHERE s_opt = 512 AND s_min = 512 AND q = 1") == 4 ]] ||
    fail "group_size_choice: $(fresh_query "SELECT * FROM group_size_choice('banana', 1e9, 'test')")"
run_joulesweep --db "$FRESH_DB" search replay --dataset banana --target 1e9 --monitored test --max-size 512 \
    --energy gross
expect_status 0 "search replay"
expect_contains "$out" "Size search replayed on banana to test loss 1e+09 (proportional(0.001, 16), gross joules)"
expect_contains "$out" "R = search / E* over 4 groups: median 1, R <= 2 in 100%"
expect_contains "$out" "Q = s_opt / s_min over 4 groups: median 1, Q <= 4 in 100%"
[[ $(grep -Ec "^ *1e\+09 +(rectangle|trapezoid) +[23] +adam .* 512 +[0-9.e+-]+ +512 +512 +1 +1$" <<<"$out") == 4 ]] ||
    fail "search replay should find 512 for 4 groups: $out"
# Every 50th of BUTTER-E's 200 levels, as CSV: 4 groups x 4 levels, with the full-budget
# joules of the largest size.
run_joulesweep --db "$FRESH_DB" search replay --dataset banana --levels 50 --monitored test \
    --max-size 512 --energy gross --csv "$TEST_DIR/replay.csv"
expect_status 0 "search replay --levels --csv"
expect_contains "$out" "16 groups x targets written to $TEST_DIR/replay.csv"
[[ $(wc -l <"$TEST_DIR/replay.csv") == 17 ]] || fail "replay.csv: $(cat "$TEST_DIR/replay.csv")"
head -1 "$TEST_DIR/replay.csv" | grep -q "^dataset,monitored,energy,failure,target,.*,r_hit,r_fail,largest_size,full_j," ||
    fail "replay.csv's header: $(head -1 "$TEST_DIR/replay.csv")"
[[ $(grep -c '^banana,test,gross,"proportional(0.001, 16)",.*,512,[0-9.e+-]*,' "$TEST_DIR/replay.csv") == 16 ]] ||
    fail "replay.csv's rows: $(cat "$TEST_DIR/replay.csv")"
run_joulesweep --db "$FRESH_DB" search replay --dataset banana
expect_status 2 "search replay without a target"
expect_contains "$err" "search replay: give --dataset NAME and either --target LOSS,... or --levels STEP"
run_joulesweep --db "$FRESH_DB" search replay --dataset banana --target 1 --failure "patience(3)"
expect_status 2 "search replay with an unknown rule"
expect_contains "$err" "failure rule 'patience(3)': expected proportional(DELTA, PATIENCE), full"

run_joulesweep shard "$shard"
expect_status 0 "shard"
expect_contains "$out" "16 runs"

run_joulesweep --db "$FRESH_DB" results --limit 3
expect_status 0 "results"
expect_contains "$out" "Results by experiment (best test loss first)"
expect_contains "$out" "best test loss"
[[ $(grep -c " 529_pollen \| banana " <<<"$out") == 3 ]] || fail "results --limit 3 should list 3 experiments: $out"
expect_contains "$out" "more rows: raise --limit"

# Nothing left: the next job exits at once, storing nothing.
run_job
expect_status 0 "run on an empty queue"
expect_contains "$out" "0 runs done"

# --max-runs: a bounded job.
enqueue_runs more 3 2 banana
run_job --max-runs 5
expect_status 0 "run --max-runs 5"
expect_contains "$out" "5 runs done, 0 failed"
[[ $(fresh_query "SELECT count(*) FROM run WHERE status = 'pending'") == 7 ]] || fail "7 runs should still be pending"

# Threads: a training rank never oversubscribes its node, whatever OMP_NUM_THREADS says.
OMP_NUM_THREADS=4 run_job --max-runs 2 --threads-per-rank 8
expect_status 0 "run --threads-per-rank 8"
budget=$(($(nproc) / 2))
((budget >= 1)) || budget=1
if ((budget < 8)); then
    expect_contains "$err" "--threads-per-rank 8 would oversubscribe this node"
fi
[[ $(fresh_query "SELECT count(*) FROM result WHERE threads BETWEEN 1 AND $budget") == 23 ]] ||
    fail "every run should have used between 1 and $budget threads: $(fresh_query "SELECT threads FROM result")"
run_job --threads-per-rank 0
expect_status 2 "run --threads-per-rank 0"
expect_contains "$err" "--threads-per-rank must be at least 1"

# A job needs workers.
ASAN_OPTIONS=detect_leaks=0 run_joulesweep --db "$FRESH_DB" run --datasets-dir "$TEST_DIR/datasets"
expect_status 2 "run without mpirun"
expect_contains "$err" "needs at least 2 MPI ranks"
