#!/usr/bin/env bash
# Memory of a full backup as the database grows: `lifeboat backup` of a pgbench database at each
# of --scales (pgbench -i again before each), into one directory repository, on a throwaway
# cluster whose WAL is archived through `lifeboat wal-push`. For each: wall time, CPU time (user
# + system) and peak RSS of the backup process (GNU time's maximum resident set size, which
# includes the JVM's own memory: heap, metaspace, code, stacks, native libraries). Lifeboat's
# promise: a backup's peak RSS is the same whatever the database's size, and under 256 MB.
#
#   bench/backup-memory.sh [--scales "10 50"] [--jobs N] [--lifeboat PATH] [--keep]
#
# --lifeboat runs another launcher (e.g. a copy of an older build, with LIFEBOAT_JAR set) to
# compare builds in the same period. Needs PostgreSQL server binaries with pgbench
# (LIFEBOAT_PG_BIN, pg_config, or /usr/lib/postgresql/*/bin) and GNU time (/usr/bin/time).
# As root, the server runs as the postgres user.
set -euo pipefail

scales="10 50"
jobs=""
keep=no
lifeboat=""
while [ $# -gt 0 ]; do
    case "$1" in
        --scales) scales=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --lifeboat) lifeboat=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed for the peak RSS" >&2; exit 2; }

. "$(dirname "$0")/common.sh"
lifeboat=${lifeboat:-$root/bin/lifeboat}

make_work lifeboat-backupmem
cleanup() {
    stop_cluster "$work/source"
    [ "$keep" = yes ] || rm -rf "$work"
}
trap cleanup EXIT

repo="$work/repository"
mkdir -p "$repo"
[ "$(id -u)" = 0 ] && chown postgres: "$repo"
port=$(free_port)
start_cluster "$work/source" "wal_level = replica" "archive_mode = on" "archive_command = '$lifeboat wal-push --repo $repo %p'" \
    "max_wal_size = 4GB"
"$lifeboat" init --repo "$repo" --pgdata "$work/source" --pg-port "$port" >/dev/null

echo "full backups of a pgbench database (wall s, CPU s = user + system, peak RSS), $($lifeboat --version)"
for scale in $scales; do
    pgbench_init "$scale" >/dev/null
    # pgbench's WAL archived and its pages written out before the clock starts: not the backup's to pay for.
    sql "SELECT pg_switch_wal()" >/dev/null
    while [ -n "$(ls "$work/source/pg_wal/archive_status/" 2>/dev/null | grep '\.ready$' | head -n 1)" ]; do sleep 1; done
    sql "CHECKPOINT" >/dev/null
    db_mb=$(calc "$(sql "SELECT pg_database_size('postgres')") / 1048576")
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$lifeboat" backup --repo "$repo" --pgdata "$work/source" --pg-port "$port" \
        ${jobs:+--jobs $jobs} >/dev/null
    read -r wall user system rss < "$work/time"
    printf '  scale %4d (%6.0f MiB): %6.1f s wall, %6.1f s CPU, peak RSS %4.0f MiB\n' "$scale" "$db_mb" "$wall" \
        "$(calc "$user + $system")" "$(calc "$rss / 1024")"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
