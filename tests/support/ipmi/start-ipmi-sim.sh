#!/usr/bin/env bash
# Starts OpenIPMI's ipmi_sim as a test BMC and prints its PID once it listens:
#   start-ipmi-sim.sh DIR PORT [DCMI_MODULE]
# on 127.0.0.1:PORT, user "admin" with password "secret". Its one sensor, "Node Power"
# (watts), follows DIR/sensor_watts (read every 200 ms). With DCMI_MODULE (the project's
# dcmi_power_module.so) it also answers DCMI Get Power Reading from DIR/dcmi_watts. The
# simulator's output goes to DIR/ipmi_sim.out; the caller kills it by PID.
set -euo pipefail
readonly dir=$1 port=$2 module=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
readonly here

mkdir -p "$dir/state/ipmi_sim/jsim"
[[ -f $dir/sensor_watts ]] || echo 250 >"$dir/sensor_watts"
[[ -f $dir/dcmi_watts ]] || echo 300 >"$dir/dcmi_watts"
{
    echo 'name "jsim"'
    [[ -z $module ]] || echo "loadlib \"$module\" \"$dir/dcmi_watts\""
    cat <<CONF
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 $port
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  user 2 true "admin" "secret" admin 10 none md2 md5 straight
CONF
} >"$dir/lan.conf"
cat >"$dir/sim.emu" <<EMU
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sensor_add 0x20 0 1 0x0b 0x01 poll 200 file "$dir/sensor_watts" div=2
mc_enable 0x20
EMU
sdrcomp -o "$dir/state/ipmi_sim/jsim/sdr.20.main" "$here/sim.sdrs"

ipmi_sim -c "$dir/lan.conf" -f "$dir/sim.emu" -s "$dir/state" -n >"$dir/ipmi_sim.out" 2>&1 </dev/null &
readonly pid=$!
# Listening once /proc/net/udp shows 127.0.0.1:PORT; the sensor reads 0 until the
# simulator's first poll of its file, 200 ms later.
local_address=$(printf '0100007F:%04X' "$port")
for _ in $(seq 500); do
    if grep -q "$local_address" /proc/net/udp; then
        sleep 0.5
        echo "$pid"
        exit 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
done
echo "ipmi_sim did not start on port $port: $(cat "$dir/ipmi_sim.out")" >&2
kill "$pid" 2>/dev/null || true
exit 1
