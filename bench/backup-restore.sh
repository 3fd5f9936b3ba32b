#!/usr/bin/env bash
# End-to-end benchmark: back up a pgbench database with `lifeboat backup` and restore it with
# `lifeboat restore --target latest` into a new instance, on a throwaway cluster whose WAL is
# archived through `lifeboat wal-push`. Prints wall time, throughput and peak memory.
# With --drill it then runs `lifeboat drill --junit` on the backup (a checks file included) and
# prints the drill's report, its JUnit XML and its measured RTO.
#
#   bench/backup-restore.sh [--scale 50] [--jobs N] [--repo DIR|URI] [--drill] [--keep]
#
# Needs PostgreSQL server binaries with pgbench (LIFEBOAT_PG_BIN, pg_config, or
# /usr/lib/postgresql/*/bin). As root, the server runs as the postgres user.
set -euo pipefail

scale=50
jobs=""
repo=""
keep=no
drill=no
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --repo) repo=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        --drill) drill=yes; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd -P)
lifeboat="$root/bin/lifeboat"
"$lifeboat" --version >/dev/null   # builds the jar if needed, before anything is timed

bin=${LIFEBOAT_PG_BIN:-}
if [ -z "$bin" ]; then
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then bin=$(pg_config --bindir)
    else bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); fi
fi
[ -x "$bin/pgbench" ] || { echo "no pgbench in '$bin' (set LIFEBOAT_PG_BIN)" >&2; exit 2; }

as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

work=$(mktemp -d /tmp/lifeboat-bench-XXXXXX)
chmod 755 "$work"
cleanup() {
    as_server "$bin/pg_ctl" -D "$work/source" -m immediate stop >/dev/null 2>&1 || true
    as_server "$bin/pg_ctl" -D "$work/restored" -m immediate stop >/dev/null 2>&1 || true
    [ "$keep" = yes ] || rm -rf "$work"
}
trap cleanup EXIT
[ -n "$repo" ] || repo="$work/repository"
if [[ "$repo" != *://* ]]; then
    mkdir -p "$repo"
    [ "$(id -u)" = 0 ] && chown postgres: "$repo"
fi
[ "$(id -u)" = 0 ] && chown postgres: "$work"

free_port() {  # a random loopback port nothing listens on
    local p
    while :; do
        p=$((30000 + RANDOM % 10000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
port=$(free_port)
as_server "$bin/initdb" -D "$work/source" -A trust -U postgres --no-sync -E UTF8 --locale=C >/dev/null
cat >> "$work/source/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = '$lifeboat wal-push --repo $repo %p'
max_wal_size = 4GB
checkpoint_timeout = 30min
CONF
as_server "$bin/pg_ctl" -D "$work/source" -l "$work/source.log" -w start >/dev/null

"$lifeboat" init --repo "$repo" --pgdata "$work/source" --pg-port "$port" >/dev/null
echo "pgbench -i -s $scale ..."
"$bin/pgbench" -i -s "$scale" -q -h 127.0.0.1 -p "$port" -U postgres postgres 2>&1 | tail -n 1
db_bytes=$("$bin/psql" -At -h 127.0.0.1 -p "$port" -U postgres -c "SELECT pg_database_size('postgres')" postgres 2>/dev/null || echo 0)

timed() {  # timed LABEL command... : wall seconds and peak RSS (KiB) of one command
    local label=$1; shift
    local start end rss=""
    start=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%M" -o "$work/$label.rss" "$@" > "$work/$label.out"
        rss=$(tail -n 1 "$work/$label.rss")
    else
        "$@" > "$work/$label.out"
    fi
    end=$(date +%s.%N)
    echo "$(calc "$end - $start") ${rss:-?}"
}

read -r backup_s backup_rss < <(timed backup "$lifeboat" backup --repo "$repo" --pgdata "$work/source" --pg-port "$port" ${jobs:+--jobs $jobs} --output json)
backup_id=$(grep -o '"backupId" : "[^"]*"' "$work/backup.out" | cut -d'"' -f4)
stored=$(grep -o '"storedBytes" : [0-9]*' "$work/backup.out" | grep -o '[0-9]*$')
read_bytes=$(grep -o '"bytes" : [0-9]*' "$work/backup.out" | grep -o '[0-9]*$')

rport=$(free_port)
read -r restore_s restore_rss < <(timed restore "$lifeboat" restore --repo "$repo" --pgdata "$work/restored" --port "$rport" --target latest ${jobs:+--jobs $jobs} --output json)
rows=$("$bin/psql" -At -h 127.0.0.1 -p "$rport" -U postgres -c "SELECT count(*) FROM pgbench_accounts" postgres)

mb() { calc "$1 / 1000000"; }
echo
echo "pgbench scale $scale: database $(mb "$db_bytes") MB, backup $backup_id read $(mb "$read_bytes") MB, stored $(mb "$stored") MB"
echo "backup : $backup_s s wall, $(calc "$read_bytes / 1000000 / $backup_s") MB/s, peak RSS ${backup_rss} KiB"
echo "restore: $restore_s s wall to open for writes, $(calc "$read_bytes / 1000000 / $restore_s") MB/s, peak RSS ${restore_rss} KiB"
grep -o '"filesDuration" : [0-9.]*\|"toOpenForWrites" : [0-9.]*' "$work/restore.out" | tr '\n' ' '; echo
echo "restored pgbench_accounts rows: $rows (expected $((scale * 100000)))"

if [ "$drill" = yes ]; then
    as_server "$bin/pg_ctl" -D "$work/restored" -m fast stop >/dev/null  # the drill has the machine to itself
    cat > "$work/checks.sql" <<SQL
-- name: every pgbench account is there
-- expect: count = $((scale * 100000))
SELECT count(*) FROM pgbench_accounts;

-- name: balances add up
-- expect: true
SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT sum(bbalance) FROM pgbench_branches);
SQL
    echo
    echo "lifeboat drill --junit $work/drill.xml --checks checks.sql ..."
    read -r drill_s drill_rss < <(timed drill "$lifeboat" drill --repo "$repo" --checks "$work/checks.sql" --junit "$work/drill.xml" ${jobs:+--jobs $jobs} || true)
    cat "$work/drill.out"
    echo
    cat "$work/drill.xml"
    echo
    rto=$(grep -o 'name="rtoSeconds" value="[0-9.]*"' "$work/drill.xml" | grep -o '[0-9.]*"$' | tr -d '"')
    echo "drill  : $drill_s s wall (restore, recovery, checks, cleanup), measured RTO ${rto:-?} s, peak RSS ${drill_rss} KiB"
fi
