#!/usr/bin/env bash
# run: net joules rest on an idle baseline of an idle node. While the node's leader
# measures it, every other rank sleeps (Open MPI's spinning barrier made it a busy
# node's: 20 W with the estimate on 2 cores); an idle worker rank waiting for work uses
# under 2% of a core; on a fake powercap tree the baseline is the tree's idle power, the
# job says whether any epoch stored negative net joules, and at the end each node
# measures its idle power again and reports the drift.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
use_fresh_database
run_joulesweep --db "$FRESH_DB" db migrate
expect_status 0 "db migrate"
prepare_run_datasets banana

# cpu_ticks PID: user + system clock ticks the process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# 1. The estimate (10 W per busy core, /proc/stat): an idle node is well under one core.
#    An empty queue and --wait: the workers wait for work for several seconds.
log="$TEST_DIR/idle.log"
start_job "$log" --wait --idle-baseline 2
wait_for 60 "the job to start" grep -q "coordinator 1 started" "$log"
baseline=$(sed -n 's/^energy: .*idle baseline \([0-9.]*\) W.*/\1/p' "$log" | head -n1)
[[ -n "$baseline" ]] || fail "the job should print its idle baseline: $(cat "$log")"
awk -v w="$baseline" 'BEGIN { exit !(w < 5.0) }' ||
    fail "the idle baseline should be well under one busy core (10 W), got $baseline W"
coordinator=$(coordinator_pid)
workers=$(pgrep -P "$job_pid" -f "joulesweep.* run" | grep -vx "$coordinator")
[[ $(wc -w <<<"$workers") == 2 ]] || fail "expected 2 worker processes, got: $workers"
declare -A before
for pid in $workers; do before[$pid]=$(cpu_ticks "$pid"); done
sleep 5
ticks_per_second=$(getconf CLK_TCK)
for pid in $workers; do
    used=$(($(cpu_ticks "$pid") - before[$pid]))
    echo "idle worker rank $pid: $used of $((5 * ticks_per_second)) ticks in 5 s"
    # Under 2% of a core over 5 s: at most 0.1 s of CPU.
    awk -v t="$used" -v hz="$ticks_per_second" 'BEGIN { exit !(t / hz < 0.1) }' ||
        fail "an idle worker rank used $used ticks (of $ticks_per_second per second) in 5 s"
done
kill -USR1 "$job_pid"
job_status=0
wait "$job_pid" || job_status=$?
[[ $job_status == 0 ]] || fail "the drained job should exit 0: $(cat "$log")"
grep -Eq "^energy: idle baseline at the end [0-9.]+ W, at the start $baseline W: drift " "$log" ||
    fail "the job should measure its idle power again at the end: $(cat "$log")"

# 2. A fake powercap tree: 25 W while the baseline is measured, then 40 W, as if the
#    runs drew 15 W more. The baseline is the tree's, every epoch's net is positive and
#    the end's measurement sees the 15 W.
zone="$TEST_DIR/sys/class/powercap/intel-rapl:0"
mkdir -p "$zone"
echo package-0 >"$zone/name"
echo 262143328850 >"$zone/max_energy_range_uj"
printf '%020d\n' 0 >"$zone/energy_uj"
fake_node=(--sysfs-root "$TEST_DIR/sys" --dev-cpu-root "$TEST_DIR/no-msr")

# play_counter LOG IDLE_W BUSY_W: advances energy_uj in place (fixed width, so the
# meter's open file never reads a partial number) at IDLE_W until LOG shows the
# baseline, then at BUSY_W until LOG shows the job's end.
play_counter() {
    /usr/bin/python3 - "$zone/energy_uj" "$@" <<'PY' &
import sys, time
path, log, idle_w, busy_w = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
energy_uj, last, watts = 0.0, time.monotonic(), idle_w
with open(path, "r+") as counter:
    while True:
        time.sleep(0.005)
        now = time.monotonic()
        energy_uj += watts * (now - last) * 1e6
        last = now
        counter.seek(0)
        counter.write("%020d\n" % int(energy_uj))
        counter.flush()
        try:
            text = open(log).read()
        except FileNotFoundError:
            text = ""
        if "energy: idle baseline at the end" in text:
            break
        if "idle baseline" in text:
            watts = busy_w
PY
    counter_pid=$!
}

# fake_tree_job NAME EPOCHS BUSY_W [REPETITIONS [RUN OPTIONS...]]: 4 x REPETITIONS
# (default 1) runs of EPOCHS epochs on a coordinator and one worker, the tree at 25 W
# until the baseline is taken and BUSY_W after; sets $log.
fake_tree_job() {
    local name=$1 epochs=$2 busy_w=$3 repetitions=${4:-1} job_status=0
    shift $(($# < 4 ? $# : 4))
    enqueue_runs "$name" "$repetitions" "$epochs" banana
    log="$TEST_DIR/$name.log"
    : >"$log"
    play_counter "$log" 25 "$busy_w"
    RANKS=2 start_job "$log" --idle-baseline 1 "${fake_node[@]}" "$@"
    wait "$job_pid" || job_status=$?
    wait "$counter_pid" || true
    [[ $job_status == 0 ]] || fail "the $name job should exit 0: $(cat "$log")"
}

fake_tree_job fake 8 40
expect_contains "$(cat "$log")" "energy: RAPL powercap: package-0 (intel-rapl:0)"
baseline=$(sed -n 's/^energy: .*idle baseline \([0-9.]*\) W.*/\1/p' "$log" | head -n1)
awk -v w="$baseline" 'BEGIN { exit !(w > 23.75 && w < 26.25) }' ||
    fail "the baseline should be the tree's idle 25 W within 5%, got $baseline W: $(cat "$log")"
expect_contains "$(cat "$log")" "energy: net joules positive in all 32 measured epochs of 4 runs"
drift=$(sed -n 's/^energy: idle baseline at the end \([0-9.]*\) W.*/\1/p' "$log")
awk -v w="$drift" 'BEGIN { exit !(w > 38 && w < 42) }' ||
    fail "the end's idle measurement should see the tree's 40 W, got '$drift': $(cat "$log")"
[[ $(fresh_query "SELECT count(*) FROM result WHERE energy_source = 'rapl_sysfs'
                  AND (energy_provenance->>'negative_net_epochs')::int = 0
                  AND NOT energy_provenance->'flags' ? 'negative_net'") == 4 ]] ||
    fail "every run should store its RAPL joules without negative net epochs"

# 3. The same tree dropping to 15 W once the baseline is taken: every epoch's net is
#    negative, flagged per run, and the job says how often.
fake_tree_job below 9 15  # 9 epochs: new experiments
expect_contains "$(cat "$log")" "energy: warning: 36 of 36 measured epochs (100.0%, in 4 of 4 runs) stored negative net joules (flag negative_net)"
[[ $(fresh_query "SELECT count(*) FROM result WHERE cardinality(epoch_wall_s) = 9
                  AND energy_provenance->'flags' ? 'negative_net'
                  AND (energy_provenance->>'negative_net_epochs')::int = 9") == 4 ]] ||
    fail "every run under the too high baseline should be flagged negative_net"

# 4. --idle-again-every: during the job the node's idle power is measured again between
#    runs (the tree's 40 W), and the runs after it subtract the new baseline.
fake_tree_job again 100 40 3 --idle-again-every 1
grep -Eq "^energy: idle baseline measured again \(new runs waited [0-9.]+ s for the node to be idle\): (39|40|41)\.[0-9] W, before 2[45]\.[0-9] W: drift " "$log" ||
    fail "the job should measure the idle power again between runs: $(cat "$log")"
# (Whether a run started before the first re-measurement depends on how fast the job
# starts, so only the new baseline's use is checked.)
[[ $(fresh_query "SELECT round(max((energy_provenance->'idle_w'->>0)::numeric))
                  FROM result WHERE cardinality(epoch_wall_s) = 100") =~ ^(39|40|41)$ ]] ||
    fail "the runs after the new baseline should subtract the tree's 40 W"
