#!/usr/bin/env bash
# energy probe: on this VM (no perf power PMU, no powercap, no MSR device) the ladder
# falls back to the labelled estimate and says why each better source was not used; on a
# fake powercap tree it picks RAPL through sysfs and --sample measures joules from it;
# against a real ipmi_sim it picks DCMI (and the power sensor when the BMC has no DCMI);
# bad options, and a password file others can read, are refused.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# A node without counters: CPU topology but no powercap, perf PMU or MSR device.
mkdir -p "$TEST_DIR/bare-sys/devices/system/cpu/cpu0/topology" "$TEST_DIR/proc"
echo 0 >"$TEST_DIR/bare-sys/devices/system/cpu/cpu0/topology/physical_package_id"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nflags\t\t: fpu hypervisor\n\n' \
    >"$TEST_DIR/proc/cpuinfo"
echo "cpu  100 0 50 9000 300 0 10 0 0 0" >"$TEST_DIR/proc/stat"
bare_node=(--sysfs-root "$TEST_DIR/bare-sys" --dev-cpu-root "$TEST_DIR/no-msr" --proc-root "$TEST_DIR/proc")
run_joulesweep energy probe "${bare_node[@]}" --ipmi-device "$TEST_DIR/no-ipmi0"
expect_status 0 "energy probe on a node without counters"
expect_contains "$out" "ipmi_dcmi    no                  no BMC to ask: $TEST_DIR/no-ipmi0 does not exist (load the ipmi_si and ipmi_devintf modules) and no --ipmi-host was given"
expect_contains "$out" "perf         no"
expect_contains "$out" "no perf power PMU"
expect_contains "$out" "class/powercap does not exist"
expect_contains "$out" "cannot open $TEST_DIR/no-msr/0/msr: No such file or directory (load the msr module: modprobe msr)"
expect_contains "$out" "estimate     yes        <- used  estimate: 10 W per busy core"
expect_contains "$out" "Used: estimate (energy figures from this node are a model, labelled as such)"
expect_contains "$out" "This node runs under a hypervisor"

# A two-socket node's powercap tree, whose package-0 counter advances while we sample.
zones="$TEST_DIR/sys/class/powercap"
for zone in intel-rapl:0 intel-rapl:0:0 intel-rapl:0:1 intel-rapl:1; do
    mkdir -p "$zones/$zone"
    echo 262143328850 >"$zones/$zone/max_energy_range_uj"
    echo 1000000 >"$zones/$zone/energy_uj"
done
echo package-0 >"$zones/intel-rapl:0/name"
echo dram >"$zones/intel-rapl:0:0/name"
echo core >"$zones/intel-rapl:0:1/name"
echo package-1 >"$zones/intel-rapl:1/name"
# The counter moves once the probe has taken its first sample and says so.
(
    for _ in $(seq 200); do
        grep -q "Sampling rapl_sysfs" "$TEST_DIR/.stdout" 2>/dev/null && break
        sleep 0.05
    done
    echo 6000000 >"$zones/intel-rapl:0/energy_uj"
) &
run_joulesweep energy probe --sysfs-root "$TEST_DIR/sys" --proc-root "$TEST_DIR/proc" --sample 1.5
expect_status 0 "energy probe on a fake powercap tree"
expect_contains "$out" "rapl_sysfs   yes        <- used  RAPL powercap: dram-0 (intel-rapl:0:0), package-0 (intel-rapl:0), package-1 (intel-rapl:1)"
expect_contains "$out" "Used: rapl_sysfs"
[[ $out =~ package-0\ +5\.000\  ]] || fail "package-0 should have used 5 J during the sample: $out"
[[ $out =~ package-1\ +0\.000\  ]] || fail "package-1 did not move: $out"

# A BMC over the network: ipmi_sim with the project's DCMI module, at 300 W.
# start_bmc DIR [MODULE]: starts one and sets bmc_port; not in a subshell, so that the
# simulator's PID reaches started_jobs and the cleanup kills it.
start_bmc() {
    local pid
    bmc_port=$((20000 + RANDOM % 20000))
    while grep -q "$(printf ':%04X ' "$bmc_port")" /proc/net/udp; do  # taken: another
        bmc_port=$((20000 + RANDOM % 20000))
    done
    mkdir -p "$1"
    pid=$("$JOULESWEEP_SOURCE_DIR/tests/support/ipmi/start-ipmi-sim.sh" "$1" "$bmc_port" "${2:-}")
    started_jobs+=("$pid")
}
start_bmc "$TEST_DIR/bmc" "$JOULESWEEP_DCMI_MODULE"
dcmi_port=$bmc_port
echo secret >"$TEST_DIR/bmc-password"
chmod 600 "$TEST_DIR/bmc-password"
bmc=(--ipmi-host "127.0.0.1:$dcmi_port" --ipmi-user admin --ipmi-password-file "$TEST_DIR/bmc-password"
    --ipmi-privilege admin --ipmi-sdr-cache "$TEST_DIR/sdr-cache")
run_joulesweep energy probe "${bare_node[@]}" "${bmc[@]}" --sample 2
expect_status 0 "energy probe with a DCMI BMC"
expect_contains "$out" "ipmi_dcmi    yes        <- used  IPMI DCMI power reading from 127.0.0.1:$dcmi_port (IPMI 2.0): the whole node, 300 W now"
expect_contains "$out" "ipmi_sensor  yes                 IPMI power sensor 'Node Power' (record 1)"
expect_contains "$out" "Used: ipmi_dcmi"
# 300 W between two readings; the mean is over a slightly longer wall time.
awk '$1 == "node" && $3 > 290 && $3 <= 300 { found = 1 } END { exit !found }' <<<"$out" ||
    fail "the node should draw about 300 W during the sample: $out"

# RAPL and the BMC on one node: RAPL measures, the BMC is read beside it.
run_joulesweep energy probe --sysfs-root "$TEST_DIR/sys" --proc-root "$TEST_DIR/proc" "${bmc[@]}"
expect_status 0 "energy probe with RAPL and a DCMI BMC"
expect_contains "$out" "rapl_sysfs   yes        <- used          RAPL powercap:"
expect_contains "$out" "ipmi_dcmi    yes        <- rest of node  IPMI DCMI power reading"
expect_contains "$out" "Beside it: ipmi_dcmi, read about once a second; the wall's joules minus rapl_sysfs's are stored as the rest of the node"

# A BMC without DCMI: the power sensor, and why not DCMI.
start_bmc "$TEST_DIR/plain-bmc"
plain_port=$bmc_port
run_joulesweep energy probe "${bare_node[@]}" "${bmc[@]/$dcmi_port/$plain_port}"
expect_status 0 "energy probe with a BMC without DCMI"
expect_contains "$out" "ipmi_dcmi    no                  IPMI: DCMI Get Power Reading from 127.0.0.1:$plain_port (IPMI 2.0) failed"
expect_contains "$out" "Used: ipmi_sensor"

chmod 644 "$TEST_DIR/bmc-password"
run_joulesweep energy probe "${bare_node[@]}" "${bmc[@]}"
expect_status 2 "a password file others can read"
expect_contains "$err" "--ipmi-password-file: $TEST_DIR/bmc-password can be read by others (mode 644); chmod 600 it"
run_joulesweep energy probe --ipmi-privilege root
expect_status 2 "an unknown privilege level"
expect_contains "$err" "unknown IPMI privilege level 'root': use user, operator or admin"

run_joulesweep energy probe --estimate-core-watts 0
expect_status 2 "a zero power model"
expect_contains "$err" "--estimate-core-watts must be positive, got 0"
run_joulesweep energy measure
expect_status 2 "an unknown action"
expect_contains "$err" "energy: unknown action 'measure' (expected probe)"
