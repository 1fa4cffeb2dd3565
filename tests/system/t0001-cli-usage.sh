#!/usr/bin/env bash
# The command line explains itself, and every misuse is a one-line error with exit code 2.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

run_joulesweep --help
expect_status 0 "joulesweep --help"
for word in "Commands:" "db" "status" "--db URL" "--data-dir DIR" "JOULESWEEP_DB" "Exit codes"; do
    expect_contains "$out" "$word"
done

run_joulesweep db --help
expect_status 0 "joulesweep db --help"
for word in start stop status url migrate "--tcp" "--db URL"; do
    expect_contains "$out" "$word"
done

run_joulesweep status --help
expect_status 0 "joulesweep status --help"
expect_contains "$out" "Usage: joulesweep status"
expect_contains "$out" "--limit N"

run_joulesweep datasets --help
expect_status 0 "joulesweep datasets --help"
for word in list prepare "--only NAME,..." "--mnist-dir DIR" "--datasets-dir DIR" fetch-mnist.sh; do
    expect_contains "$out" "$word"
done
run_joulesweep datasets
expect_status 2 "joulesweep datasets without an action"
expect_contains "$err" "datasets: missing ACTION (list, prepare or import"

run_joulesweep train --help
expect_status 0 "joulesweep train --help"
for word in "--dataset NAME" "--config FILE" "--seed N" "--csv FILE" "--hdf5 FILE" "--optimizer NAME"; do
    expect_contains "$out" "$word"
done
for word in "--l1 PENALTY" "--l2 PENALTY" "--label-noise FRACTION" "--test-fraction FRACTION"; do
    expect_contains "$out" "$word"
done
# Every option names its value, and every default reads as typed.
for command in "train" "run" "bench energy" "bench training" "energy" "search" "search replay"; do
    read -r -a words <<<"$command"
    run_joulesweep "${words[@]}" --help
    expect_status 0 "joulesweep $command --help"
    ! grep -Eq -- "--[a-z0-9-]+ arg|[0-9]\.[0-9]*0000000" <<<"$out" ||
        fail "joulesweep $command --help shows a bare 'arg' or an unrounded default: $out"
done
run_joulesweep run --help
expect_contains "$out" "--energy-period SECONDS (=0.1)"
expect_contains "$out" "--idle-baseline SECONDS (=2)"
run_joulesweep train --epochs 1
expect_status 2 "joulesweep train without a dataset"
expect_contains "$err" "train: give --dataset NAME or --config FILE"

run_joulesweep queue --help
expect_status 0 "joulesweep queue --help"
for word in redrive "--matching TEXT" "--dry-run"; do
    expect_contains "$out" "$word"
done

run_joulesweep bench --help
expect_status 0 "joulesweep bench --help"
for word in "Usage: joulesweep bench queue" joulesweep_bench "--claimers N,..." "--latency-pending N,..."; do
    expect_contains "$out" "$word"
done

run_joulesweep bench training --help
expect_status 0 "joulesweep bench training --help"
for word in "Usage: joulesweep bench training" "--networks DxW,..." "--backends B,..." "GEMM ceiling" \
    "scripts/bench-training.sh"; do
    expect_contains "$out" "$word"
done

run_joulesweep bench energy --help
expect_status 0 "joulesweep bench energy --help"
for word in "Usage: joulesweep bench energy" "--pairs N" "--energy-period SECONDS" "--ipmi-host" "taskset"; do
    expect_contains "$out" "$word"
done

# Misused bench options are refused before any database is touched.
for misuse in "bench" "bench nosuch" "bench queue --claimers 1,,4" "bench queue --claimers 0" \
    "bench queue --seconds 0" "bench training --networks 1x64" "bench training --networks 3-64" \
    "bench training --backends auto" "bench training --batches 0" "bench energy --pairs 0" \
    "bench energy --shape round" "bench energy --ipmi-privilege root" \
    "bench queue --preset nosuch"; do
    read -r -a words <<<"$misuse"
    run_joulesweep --db "host=/nonexistent" "${words[@]}"
    expect_status 2 "joulesweep $misuse"
    expect_one_line "$err"
done
expect_contains "$err" "bench: unknown preset 'nosuch'"

run_joulesweep --version
expect_status 0 "joulesweep --version"
expect_contains "$out" "joulesweep 0.1.0 (git "
for library in MPI HDF5 Eigen oneDNN FreeIPMI libpqxx libpq Boost.Program_options; do
    expect_contains "$out" "$library"
done

run_joulesweep frobnicate
expect_status 2 "joulesweep frobnicate"
expect_one_line "$err"
expect_contains "$err" "unknown command 'frobnicate'"

run_joulesweep --frobnicate status
expect_status 2 "joulesweep --frobnicate status"
expect_one_line "$err"
expect_contains "$err" "--frobnicate"

run_joulesweep status --frobnicate
expect_status 2 "joulesweep status --frobnicate"
expect_one_line "$err"
expect_contains "$err" "status: unrecognised option '--frobnicate' (see joulesweep status --help)"

run_joulesweep status --db
expect_status 2 "joulesweep status --db"
expect_one_line "$err"
expect_contains "$err" "--db"

run_joulesweep status --connect-timeout soon
expect_status 2 "joulesweep status --connect-timeout soon"
expect_one_line "$err"
expect_contains "$err" "'--connect-timeout'"

run_joulesweep --connect-timeout 0 status
expect_status 2 "joulesweep --connect-timeout 0 status"
expect_one_line "$err"
expect_contains "$err" "--connect-timeout must be at least 1 second, got 0"

run_joulesweep db explode
expect_status 2 "joulesweep db explode"
expect_one_line "$err"
expect_contains "$err" "unknown action 'explode'"

run_joulesweep db
expect_status 2 "joulesweep db"
expect_contains "$err" "missing ACTION"

run_joulesweep db start --tcp
expect_status 2 "joulesweep db start --tcp"
expect_contains "$err" "--tcp applies only to \`db url\`"

run_joulesweep
expect_status 0 "joulesweep (no command)"
expect_contains "$out" "Usage: joulesweep"
run_joulesweep help
expect_status 0 "joulesweep help"
expect_contains "$out" "Usage: joulesweep"
expect_contains "$out" "help      this help, or a command's: joulesweep help COMMAND"
run_joulesweep help run
expect_status 0 "joulesweep help run"
expect_contains "$out" "Usage: mpirun -n N joulesweep run"
run_joulesweep help nosuch
expect_status 2 "joulesweep help nosuch"
expect_one_line "$err"
expect_contains "$err" "unknown command 'nosuch' (commands: bench, datasets, db, energy, enqueue, queue, results, run, search, shard, train, status; see joulesweep help)"
run_joulesweep help run status
expect_status 2 "joulesweep help run status"
expect_contains "$err" "help: give one command"
echo "t0001: ok"
