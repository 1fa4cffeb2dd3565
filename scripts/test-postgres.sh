#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: private socket directory, no TCP,
# trust authentication, no fsync. Run as root it runs as the postgres user.
# Usage: scripts/test-postgres.sh start DIR   prints the connection string on stdout
#        scripts/test-postgres.sh stop DIR
set -euo pipefail

readonly action=${1:?usage: test-postgres.sh start|stop DIR}
readonly dir=${2:?usage: test-postgres.sh start|stop DIR}
readonly port=54329  # names the socket file; no TCP listener, so no collisions

bin_dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d | sort -V | tail -n1)
[[ -x "$bin_dir/initdb" ]] || { echo "test-postgres: no PostgreSQL server under /usr/lib/postgresql" >&2; exit 1; }

as_server() {
    if [[ $(id -u) == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$action" in
    start)
        mkdir -p "$dir"
        if [[ $(id -u) == 0 ]]; then
            chown postgres:postgres "$dir"
        fi
        as_server "$bin_dir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
            --no-sync --no-instructions >"$dir/initdb.log"
        as_server "$bin_dir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s \
            -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start
        echo "host=$dir port=$port user=postgres dbname=postgres"
        ;;
    stop)
        if [[ -f "$dir/data/postmaster.pid" ]]; then
            as_server "$bin_dir/pg_ctl" -D "$dir/data" -m fast -w -s stop || true
        fi
        ;;
    *)
        echo "usage: test-postgres.sh start|stop DIR" >&2
        exit 2
        ;;
esac
