#!/usr/bin/env bash
# A throwaway single-node Slurm for the test suite: munged, slurmctld and slurmd started
# by hand (no systemd), with every file under DIR and nothing written to /etc/slurm. The
# node claims 8 CPUs whatever the hardware, so several small pilot jobs run at once.
# Run as root.
# Usage: scripts/test-slurm.sh start DIR   prints the SLURM_CONF path on stdout
#        scripts/test-slurm.sh stop DIR    cancels every job, stops the daemons
set -euo pipefail

readonly action=${1:?usage: test-slurm.sh start|stop DIR}
readonly dir=${2:?usage: test-slurm.sh start|stop DIR}
readonly conf="$dir/slurm/slurm.conf"

write_config() {
    # KillWait is short so that a cancelled job ends quickly; MinJobAge keeps finished
    # jobs visible to `scontrol show job` for 5 minutes.
    cat >"$conf" <<CONF
ClusterName=joulesweep-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
MpiDefault=pmix
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/slurm/jobcomp.txt
MailProg=/usr/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$dir/slurm/state
SlurmdSpoolDir=$dir/slurm/spool
SlurmctldPidFile=$dir/slurm/slurmctld.pid
SlurmdPidFile=$dir/slurm/slurmd.pid
SlurmctldLogFile=$dir/slurm/slurmctld.log
SlurmdLogFile=$dir/slurm/slurmd.log
InactiveLimit=0
KillWait=5
MinJobAge=300
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=8 Boards=1 SocketsPerBoard=1 CoresPerSocket=8 ThreadsPerCore=1 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
}

stop_pid_file() {
    local file=$1 pid
    [[ -s "$file" ]] || return 0
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

case "$action" in
    start)
        [[ $(id -u) == 0 ]] || { echo "test-slurm: run as root (slurmd starts jobs as any user)" >&2; exit 1; }
        mkdir -p "$dir/munge" "$dir/slurm/state" "$dir/slurm/spool"
        chmod 755 "$dir"
        chown munge:munge "$dir/munge"
        if [[ ! -s /etc/munge/munge.key ]]; then
            mungekey --create
            chown munge:munge /etc/munge/munge.key
            chmod 400 /etc/munge/munge.key
        fi
        runuser -u munge -- /usr/sbin/munged --socket="$dir/munge/munge.sock" \
            --pid-file="$dir/munge/munged.pid"
        write_config
        export SLURM_CONF="$conf"
        /usr/sbin/slurmctld -f "$conf"
        /usr/sbin/slurmd -f "$conf" -N localhost
        for _ in $(seq 150); do
            if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
                echo "$conf"
                exit 0
            fi
            sleep 0.2
        done
        echo "test-slurm: the node did not become idle in 30 s; see $dir/slurm/*.log" >&2
        exit 1
        ;;
    stop)
        if [[ -f "$conf" ]]; then
            SLURM_CONF="$conf" scancel --full --quiet --partition debug 2>/dev/null || true
        fi
        stop_pid_file "$dir/slurm/slurmctld.pid"
        stop_pid_file "$dir/slurm/slurmd.pid"
        stop_pid_file "$dir/munge/munged.pid"
        ;;
    *)
        echo "usage: test-slurm.sh start|stop DIR" >&2
        exit 2
        ;;
esac
