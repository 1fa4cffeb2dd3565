#!/usr/bin/env bash
# Slurm: slurm/joulesweep-submit sends two pilot jobs to one queue on a real single-node
# Slurm; both run `srun joulesweep run`, the queue finishes with every run stored once,
# and the Slurm job ids name the shards, the results and the database sessions; then a
# job array of two, named 1234_0 and 1234_1 as squeue names them; chains (dry run). The queue
# is joulesweep's embedded cluster, which asks TCP clients for a password: the jobs get it
# from PGPASSFILE, and it shows nowhere in Slurm's output, the logs or the process table.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
RUN_BACKEND=eigen  # the run lengths below are the Eigen backend's (lib.sh, enqueue_runs)
use_slurm
home="$TEST_DIR/home"
run_joulesweep --data-dir "$home" db start
expect_status 0 "db start"
run_joulesweep --data-dir "$home" db url --tcp
expect_status 0 "db url --tcp"
# The same server without the passfile keyword: libpq must find the password itself.
passfile_pattern='^(.*) passfile=[^ ]*(.*)$'
[[ $out =~ $passfile_pattern ]] || fail "no passfile in: $out"
FRESH_DB="${BASH_REMATCH[1]}${BASH_REMATCH[2]}"
export PGPASSFILE="$home/pgpass"
password=$(cut -d: -f5 "$PGPASSFILE")
[[ ${#password} -ge 16 ]] || fail "the embedded cluster's password file has no password"
if PGPASSFILE=/nonexistent psql -w "$FRESH_DB" -Atqc "SELECT 1" >/dev/null 2>&1; then
    fail "the server let a client in without a password; this test would prove nothing"
fi
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate (password from PGPASSFILE)"
prepare_run_datasets banana
enqueue_runs pilots 3 15 banana  # 12 runs of 1-2 s

# Refusals come before anything is submitted.
submit --db "$FRESH_DB password=$password" --time 5
expect_status 2 "submit with a password in the connection string"
expect_contains "$err" "holds a password"
[[ $err != *"$password"* ]] || fail "the refusal repeated the password: $err"
cp "$PGPASSFILE" "$TEST_DIR/open-pgpass"
chmod 644 "$TEST_DIR/open-pgpass"
PGPASSFILE="$TEST_DIR/open-pgpass" submit --db "$FRESH_DB" --time 5
expect_status 2 "submit with a password file others can read"
expect_contains "$err" "chmod 600"
submit --db "$FRESH_DB" --time 1 --drain-before 45
expect_status 2 "submit draining more than half the time limit before it"
expect_contains "$err" "more than half the time limit"
[[ -z $(squeue -h) ]] || fail "a refused submission left jobs: $(squeue)"
submit --db "$FRESH_DB" --time 30 --jobs 2 --chain 3 --dry-run
expect_status 0 "a dry run of 2 chains of 3"
[[ $(grep -c " sbatch .*/pilot.sbatch " <<<"$err") == 6 ]] || fail "expected 6 sbatch commands: $err"
[[ $(grep -c -- "--dependency afterany:dry-run-" <<<"$err") == 4 ]] || fail "expected 4 links: $err"
expect_contains "$err" "--signal B:USR1@300 "
expect_contains "$err" "--grace 240 --term-grace 1"
[[ -z $(squeue -h) ]] || fail "a dry run submitted jobs: $(squeue)"

submit --db "$FRESH_DB" --jobs 2 --ranks-per-node 3 --time 10
expect_status 0 "submit 2 pilot jobs"
mapfile -t jobs <<<"$out"
[[ ${#jobs[@]} == 2 ]] || fail "expected two job ids, got: $out"
expect_contains "$err" "submitted 2 job(s)"

# While they run: Slurm's and the system's views of the jobs hold no password, and each
# coordinator's database session is named after its Slurm job.
wait_for 120 "both jobs training" runs_training 3
views="$TEST_DIR/views.txt"
{
    squeue -o %all
    scontrol show job -dd "${jobs[0]}"
    scontrol show job -dd "${jobs[1]}"
    ps -eo args
} >"$views"
sessions=$(fresh_query "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'joulesweep-coord-%' ORDER BY 1")
for job in "${jobs[@]}"; do
    expect_contains "$sessions" "joulesweep-coord-$job"
done

for job in "${jobs[@]}"; do
    wait_for 240 "job $job to end" job_finished "$job"
    expect_job_completed "$job"
    log=$(cat "$TEST_DIR/logs/joulesweep-$job.out")
    expect_contains "$log" "[pilot $job] starting 3 ranks on 1 node(s), 1 thread(s) each"
    expect_contains "$log" "shard $TEST_DIR/shards/$job.h5 holds"
    expect_contains "$log" "[pilot $job] job step ended with exit code 0"
    [[ -f "$TEST_DIR/shards/$job.h5" ]] || fail "no shard named after job $job"
    stored=$(fresh_query "SELECT count(*) FROM result WHERE slurm_job_id = '$job'")
    ((stored >= 1)) || fail "job $job stored no run: $log"
done
expect_all_stored_once 12
[[ $(fresh_query "SELECT count(*) FROM result WHERE slurm_job_id IN ('${jobs[0]}', '${jobs[1]}')") == 12 ]] ||
    fail "results without one of the two job ids: $(fresh_query "SELECT slurm_job_id, count(*) FROM result GROUP BY 1")"
[[ $(fresh_query "SELECT string_agg(slurm_job_id || ':' || state, ',' ORDER BY slurm_job_id) FROM coordinator") == "${jobs[0]}:exited,${jobs[1]}:exited" ]] ||
    fail "coordinators: $(fresh_query "SELECT slurm_job_id, state FROM coordinator")"
[[ $(shard_run_ids "$TEST_DIR/shards" | sort -u | wc -l) == 12 ]] || fail "the two shards should hold the 12 runs"
[[ $(shard_run_ids "$TEST_DIR/shards" | wc -l) == 12 ]] || fail "a run is in both shards"

# A job array of two tasks on a second sweep.
enqueue_runs arrays 1 10 banana  # 4 runs
submit --db "$FRESH_DB" --array --jobs 2 --ranks-per-node 2 --time 10
expect_status 0 "submit a job array"
array=$out
expect_contains "$err" "submitted 1 job array(s) of 2 tasks"
for task in "${array}_0" "${array}_1"; do
    wait_for 240 "array task $task to end" job_finished "$task"
    expect_job_completed "$task"
    expect_contains "$(cat "$TEST_DIR/logs/joulesweep-$task.out")" "[pilot $task] starting 2 ranks"
done
expect_all_stored_once 16
[[ $(fresh_query "SELECT count(*) FROM result WHERE slurm_job_id IN ('${array}_0', '${array}_1')") == 4 ]] ||
    fail "the array's 4 runs should carry its task names: $(fresh_query "SELECT slurm_job_id, count(*) FROM result GROUP BY 1")"
for task in "${array}_0" "${array}_1"; do
    [[ -f "$TEST_DIR/shards/$task.h5" ]] || fail "no shard named after array task $task: $(ls "$TEST_DIR/shards")"
done

cat "$TEST_DIR"/logs/*.out "$TEST_DIR"/slurm-cluster/slurm/*.log "$home"/*.log >>"$views" 2>/dev/null
if grep -qF -- "$password" "$views"; then
    fail "the password appears in: $(grep -F -- "$password" "$views" | head -n 3)"
fi
