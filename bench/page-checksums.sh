#!/usr/bin/env bash
# What checking data page checksums costs a backup: a pgbench database on a cluster initialised
# with data checksums is backed up with `lifeboat backup` (pages checked) and with
# `lifeboat backup --no-page-checksums`, alternately, each --runs times. Prints wall time and
# the CPU time of the lifeboat process (user + system) per backup.
#
#   bench/page-checksums.sh [--scale 10] [--runs 2] [--jobs N]
#
# Needs PostgreSQL server binaries with pgbench (see bench/common.sh). As root, the server runs
# as the postgres user.
set -euo pipefail

scale=10
runs=2
jobs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --jobs) jobs=(--jobs "$2"); shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

. "$(dirname "$0")/common.sh"
lifeboat="$root/bin/lifeboat"

make_work lifeboat-page-checksums
cleanup() {
    stop_cluster "$work/source"
    rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
repo="$work/repo"
mkdir "$repo"
if [ "$(id -u)" = 0 ]; then chown postgres: "$repo"; fi
as_server "$bin/initdb" -D "$work/source" -A trust -U postgres --no-sync -E UTF8 --locale=C --data-checksums >/dev/null
{
    echo "port = $port"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$work'"
    echo "checkpoint_timeout = 30min"
    echo "archive_mode = on"
    echo "archive_command = '$lifeboat wal-push --repo $repo %p'"
} >> "$work/source/postgresql.conf"
as_server "$bin/pg_ctl" -D "$work/source" -l "$work/source.log" -w start >/dev/null
"$lifeboat" init --repo "$repo" --pgdata "$work/source" --pg-host 127.0.0.1 --pg-port "$port" >/dev/null
echo "pgbench scale $scale: $(pgbench_init "$scale")"
sql "CHECKPOINT" >/dev/null
echo "data_checksums = $(sql "SHOW data_checksums"), database $(sql "SELECT pg_size_pretty(pg_database_size('postgres'))")," \
    "$(nproc) CPUs"

backup() {  # backup LABEL [options]: one line of wall and CPU seconds
    local label=$1
    shift
    local TIMEFORMAT="%R %U %S"
    local t
    t=$( { time "$lifeboat" backup --repo "$repo" --pgdata "$work/source" --pg-host 127.0.0.1 --pg-port "$port" \
        "${jobs[@]}" "$@" >/dev/null 2>"$work/backup.err"; } 2>&1 )
    grep -q "corrupt" "$work/backup.err" && { echo "unexpected: $(cat "$work/backup.err")" >&2; exit 1; }
    set -- $t
    printf '%-22s wall %6.1f s   CPU %6.1f s (user %.1f, sys %.1f)\n' "$label" "$1" "$(calc "$2 + $3")" "$2" "$3"
}

for i in $(seq "$runs"); do
    backup "pages checked"
    backup "--no-page-checksums" --no-page-checksums
done
