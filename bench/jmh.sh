#!/usr/bin/env bash
# JMH benchmarks of hot code (the benchmarks module), on inputs a real PostgreSQL makes.
#
#   bench/jmh.sh [--wal-dir DIR] [--segments 8] [JMH options, e.g. -f 2 -i 10 or a benchmark regex]
#
# WalSegmentBenchmark: what archiving one 16 MiB WAL segment costs in CPU, stage by stage, as
# the agent and wal-push do it: reading the file (as WalPushService does, and through read()
# for comparison), SHA-256, the record scan for the summary, zstd compression at WAL's level,
# and checksum + scan + compress together. Its segments come from --wal-dir, or else from a
# throwaway cluster under the write load of bench/wal-archive.sh (bulk inserts and pgbench's
# TPC-B-like script). Figures are per segment (ms/op, lower is better), on one thread.
#
# Needs PostgreSQL server binaries with pgbench unless --wal-dir is given (see bench/common.sh).
set -euo pipefail

wal_dir=""
segments=8
jmh_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --wal-dir) wal_dir=$2; shift 2 ;;
        --segments) segments=$2; shift 2 ;;
        *) jmh_args+=("$1"); shift ;;
    esac
done

. "$(dirname "$0")/common.sh"

jar="$root/benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/benchmarks/src" "$root/backup-core/src/main" -newer "$jar" -type f | head -n 1)" ]; then
    echo "building the benchmarks ..."
    (cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
fi

work=$(mktemp -d /tmp/lifeboat-jmh-XXXXXX)
chmod 755 "$work"
cleanup() {
    [ -d "$work/source" ] && as_server "$bin/pg_ctl" -D "$work/source" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$wal_dir" ]; then
    [ "$(id -u)" = 0 ] && chown postgres: "$work"
    port=$(free_port)
    sql() { "$bin/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -c "$1" postgres; }
    as_server "$bin/initdb" -D "$work/source" -A trust -U postgres --no-sync -E UTF8 --locale=C >/dev/null
    cat >> "$work/source/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_wal_size = 4GB
checkpoint_timeout = 30min
CONF
    as_server "$bin/pg_ctl" -D "$work/source" -l "$work/source.log" -w start >/dev/null
    echo "making $segments WAL segments on a throwaway cluster ..."
    "$bin/pgbench" -i -s 10 -q -h 127.0.0.1 -p "$port" -U postgres postgres >/dev/null 2>&1
    sql "CHECKPOINT" >/dev/null
    sql "CREATE TABLE bench_filler (id int, note text)" >/dev/null
    echo 'INSERT INTO bench_filler SELECT g, md5(random()::text) FROM generate_series(1, 2000) g;' > "$work/bulk.sql"
    chmod 644 "$work/bulk.sql"
    first=$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")
    "$bin/pgbench" -T 600 -c 4 -b tpcb-like@1 -f "$work/bulk.sql@1" -h 127.0.0.1 -p "$port" -U postgres postgres \
        >/dev/null 2>&1 &
    load=$!
    # Whole segments written under the load: after the one current at its start, before the current one.
    until [ "$(ls "$work/source/pg_wal" | awk -v f="$first" -v c="$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")" \
        'length($0) == 24 && $0 > f && $0 < c' | wc -l)" -ge "$segments" ]; do sleep 0.5; done
    kill "$load" 2>/dev/null; wait "$load" 2>/dev/null || true
    current=$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")
    mkdir "$work/wal"
    for f in $(ls "$work/source/pg_wal" | awk -v f="$first" -v c="$current" 'length($0) == 24 && $0 > f && $0 < c' | head -n "$segments"); do
        cp "$work/source/pg_wal/$f" "$work/wal/"
    done
    as_server "$bin/pg_ctl" -D "$work/source" -m fast stop >/dev/null
    wal_dir="$work/wal"
fi

echo "WalSegmentBenchmark on $(ls "$wal_dir" | wc -l) segments of $wal_dir ($(nproc) CPUs, $(java -version 2>&1 | head -n 1))"
java -jar "$jar" WalSegmentBenchmark -p walDir="$wal_dir" "${jmh_args[@]}"
