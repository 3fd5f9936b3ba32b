#!/usr/bin/env bash
# End-to-end benchmark: back up a pgbench database with `lifeboat backup` and restore it with
# `lifeboat restore --target latest` into a new instance, on a throwaway cluster whose WAL is
# archived through `lifeboat wal-push`. Prints wall time, throughput and peak memory.
# With --drill it then runs `lifeboat drill --junit` on the backup (a checks file included) and
# prints the drill's report, its JUnit XML and its measured RTO.
#
#   bench/backup-restore.sh [--scale 50] [--jobs N] [--repo DIR|URI] [--drill] [--keep]
#   bench/backup-restore.sh --s3 [--scale 50] [--jobs N] [--keep]
#
# With --s3 the same database is backed up (and restored) twice: into a directory repository
# and into a local S3 server (s3proxy keeping its buckets on the same disk, started here on
# 127.0.0.1 with made-up credentials), so the two paths can be compared on one machine. Both
# repositories are configured together, so WAL is archived into both.
#
# Needs PostgreSQL server binaries with pgbench (LIFEBOAT_PG_BIN, pg_config, or
# /usr/lib/postgresql/*/bin). As root, the server runs as the postgres user.
set -euo pipefail

scale=50
jobs=""
repo=""
keep=no
drill=no
s3=no
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --repo) repo=$2; shift 2 ;;
        --s3) s3=yes; shift ;;
        --keep) keep=yes; shift ;;
        --drill) drill=yes; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ "$s3" = yes ] && [ -n "$repo" ]; then echo "--s3 makes its own repositories: leave out --repo" >&2; exit 2; fi

. "$(dirname "$0")/common.sh"
lifeboat="$root/bin/lifeboat"

make_work lifeboat-bench
s3_pid=""
cleanup() {
    stop_cluster "$work/source"
    for d in "$work"/restored*; do
        [ -d "$d" ] && stop_cluster "$d"
    done
    if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null; wait "$s3_pid" 2>/dev/null || true; fi
    [ "$keep" = yes ] || rm -rf "$work"
}
trap cleanup EXIT


# What the server's archive_command and every timed command use to find the repositories.
repo_args=()
if [ "$s3" = yes ]; then
    echo "starting a local S3 server (s3proxy on disk) ..."
    (cd "$root" && ./mvnw -q -B -pl storage-adapters/storage-s3 -am -DskipTests test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath) >&2
    s3_dir="$root/storage-adapters/storage-s3"
    classpath="$s3_dir/target/test-classes:$s3_dir/target/classes:$root/storage-adapters/storage-core/target/classes:$(cat "$s3_dir/target/bench.classpath")"
    # Made-up credentials for this run only, handed over in the environment (never on a command line).
    AWS_ACCESS_KEY_ID=bench
    AWS_SECRET_ACCESS_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    AWS_EC2_METADATA_DISABLED=true
    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED
    LOCAL_S3_ACCESS_KEY=$AWS_ACCESS_KEY_ID LOCAL_S3_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
        java -Xmx1g -XX:+UseSerialGC -cp "$classpath" dev.lifeboat.storage.s3.LocalS3Main "$work/s3" 0 > "$work/s3.log" 2>&1 &
    s3_pid=$!
    for _ in $(seq 1 300); do grep -q '^ready' "$work/s3.log" 2>/dev/null && break; sleep 0.1; done
    grep -q '^ready' "$work/s3.log" || { echo "the local S3 server did not start:" >&2; cat "$work/s3.log" >&2; exit 1; }
    s3_port=$(sed -n 's/^ready http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/s3.log")
    mkdir -p "$work/repository"
    [ "$(id -u)" = 0 ] && chown postgres: "$work/repository"
    cat > "$work/lifeboat.yaml" <<YAML
repositories:
  - name: fs
    uri: $work/repository
  - name: s3
    uri: 's3://lifeboat-eu/bench?region=eu-west-1&endpoint=http://127.0.0.1:$s3_port&path-style=true'
YAML
    chmod 644 "$work/lifeboat.yaml"
    repo_args=(--config "$work/lifeboat.yaml")
    targets=(fs s3)
else
    [ -n "$repo" ] || repo="$work/repository"
    if [[ "$repo" != *://* ]]; then
        mkdir -p "$repo"
        [ "$(id -u)" = 0 ] && chown postgres: "$repo"
    fi
    repo_args=(--repo "$repo")
    targets=(repo)
fi

port=$(free_port)
start_cluster "$work/source" "wal_level = replica" "archive_mode = on" "archive_command = '$lifeboat wal-push ${repo_args[*]} %p'" \
    "max_wal_size = 4GB"

"$lifeboat" init "${repo_args[@]}" --pgdata "$work/source" --pg-port "$port" >/dev/null
echo "pgbench -i -s $scale ..."
pgbench_init "$scale"
db_bytes=$(sql "SELECT pg_database_size('postgres')" 2>/dev/null || echo 0)
# The WAL pgbench wrote must be archived before the clock starts, or the first backup would
# also pay for archiving it while it waits for its own WAL.
echo "waiting for the archiver to catch up ..."
sql "SELECT pg_switch_wal()" >/dev/null
while [ -n "$(ls "$work/source/pg_wal/archive_status/" 2>/dev/null | grep '\.ready$' | head -n 1)" ]; do sleep 1; done
# Likewise the checkpoint that writes out pgbench's pages: not the first backup's to pay for.
sql "CHECKPOINT" >/dev/null

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
json_number() { grep -o "\"$1\" : [0-9.]*" "$2" | head -n 1 | grep -o '[0-9.]*$'; }
mb() { calc "$1 / 1000000"; }

echo
echo "pgbench scale $scale: database $(mb "$db_bytes") MB"
for target in "${targets[@]}"; do
    select_args=()
    [ "$target" = repo ] || select_args=(--repo-name "$target")
    read -r backup_s backup_rss < <(timed "backup-$target" "$lifeboat" backup "${repo_args[@]}" "${select_args[@]}" \
        --pgdata "$work/source" --pg-port "$port" ${jobs:+--jobs $jobs} --output json)
    out="$work/backup-$target.out"
    backup_id=$(grep -o '"backupId" : "[^"]*"' "$out" | cut -d'"' -f4)
    stored=$(json_number storedBytes "$out")
    read_bytes=$(json_number bytes "$out")
    copy_s=$(json_number copyDuration "$out")

    rport=$(free_port)
    read -r restore_s restore_rss < <(timed "restore-$target" "$lifeboat" restore "${repo_args[@]}" "${select_args[@]}" \
        --pgdata "$work/restored-$target" --port "$rport" --target latest ${jobs:+--jobs $jobs} --output json)
    rows=$("$bin/psql" -At -h 127.0.0.1 -p "$rport" -U postgres -c "SELECT count(*) FROM pgbench_accounts" postgres)
    stop_cluster "$work/restored-$target" fast

    echo "[$target] backup $backup_id read $(mb "$read_bytes") MB, stored $(mb "$stored") MB"
    echo "[$target] backup : $backup_s s wall, $(calc "$read_bytes / 1000000 / $backup_s") MB/s; copying the files $copy_s s, $(calc "$read_bytes / 1000000 / $copy_s") MB/s; peak RSS ${backup_rss} KiB"
    echo "[$target] restore: $restore_s s wall to open for writes, $(calc "$read_bytes / 1000000 / $restore_s") MB/s, peak RSS ${restore_rss} KiB"
    echo "[$target] $(grep -o '"filesDuration" : [0-9.]*\|"toOpenForWrites" : [0-9.]*' "$work/restore-$target.out" | tr '\n' ' ')"
    echo "[$target] restored pgbench_accounts rows: $rows (expected $((scale * 100000)))"
done
if [ "$s3" = yes ]; then
    echo "[s3] the local S3 server's peak RSS: $(grep VmHWM "/proc/$s3_pid/status" 2>/dev/null | awk '{print $2}') KiB (not counted above)"
fi
if [ "$drill" = yes ]; then
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
    read -r drill_s drill_rss < <(timed drill "$lifeboat" drill "${repo_args[@]}" --checks "$work/checks.sql" --junit "$work/drill.xml" ${jobs:+--jobs $jobs} || true)
    cat "$work/drill.out"
    echo
    cat "$work/drill.xml"
    echo
    rto=$(grep -o 'name="rtoSeconds" value="[0-9.]*"' "$work/drill.xml" | grep -o '[0-9.]*"$' | tr -d '"')
    echo "drill  : $drill_s s wall (restore, recovery, checks, cleanup), measured RTO ${rto:-?} s, peak RSS ${drill_rss} KiB"
fi
