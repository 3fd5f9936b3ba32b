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

make_work lifeboat-jmh
cleanup() {
    [ -d "$work/source" ] && stop_cluster "$work/source"
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$wal_dir" ]; then
    port=$(free_port)
    start_cluster "$work/source" "max_wal_size = 4GB"
    echo "making $segments WAL segments on a throwaway cluster ..."
    pgbench_init 10 >/dev/null
    sql "CHECKPOINT" >/dev/null
    prepare_write_load
    first=$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")
    write_load 600 4
    # Whole segments written under the load: after the one current at its start, before the current one.
    until [ "$(ls "$work/source/pg_wal" | awk -v f="$first" -v c="$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")" \
        'length($0) == 24 && $0 > f && $0 < c' | wc -l)" -ge "$segments" ]; do sleep 0.5; done
    kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null || true
    current=$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")
    mkdir "$work/wal"
    for f in $(ls "$work/source/pg_wal" | awk -v f="$first" -v c="$current" 'length($0) == 24 && $0 > f && $0 < c' | head -n "$segments"); do
        cp "$work/source/pg_wal/$f" "$work/wal/"
    done
    stop_cluster "$work/source" fast
    wal_dir="$work/wal"
fi

echo "WalSegmentBenchmark on $(ls "$wal_dir" | wc -l) segments of $wal_dir ($(nproc) CPUs, $(java -version 2>&1 | head -n 1))"
java -jar "$jar" WalSegmentBenchmark -p walDir="$wal_dir" "${jmh_args[@]}"
