#!/usr/bin/env bash
# What encryption costs, measured on the same data in the same run: one cluster archives every
# WAL segment into two directory repositories, one plain and one encrypted with a key file, and
# each measurement is made once against each:
#   1. a full backup of a pgbench database (lifeboat backup; best of two, in alternating order);
#   2. a restore that replays --wal-mb of WAL written after the backup (lifeboat restore --target latest),
#      with prefetching, then both again with --prefetch 0 (restore_command starts a JVM per segment);
#   3. the agent draining a backlog of --backlog ready segments on its own (archive_command keeps
#      failing meanwhile, so only the agent stores them; the launcher's no-JVM path plays no part);
#   4. one wal-push (a JVM start) of a segment already stored: plain, key file, and passphrase
#      (Argon2id, 64 MiB, run on every JVM start).
# Prints a table: seconds plain, seconds encrypted, their ratio as throughput (plain time /
# encrypted time; the goal is >= 0.9), and the CPU seconds and peak RSS of the Lifeboat process
# (CPU tells encryption's cost apart from a busy machine's).
#
#   bench/encryption.sh [--scale 100] [--wal-mb 1024] [--backlog 64] [--keep]
#   bench/encryption.sh --scale 1      # a smoke run: --wal-mb 64 --backlog 8 unless given
#
# Needs PostgreSQL server binaries with pgbench (LIFEBOAT_PG_BIN, pg_config, or
# /usr/lib/postgresql/*/bin). As root, the server runs as the postgres user.
set -euo pipefail

scale=100
wal_mb=""
backlog=""
keep=no
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale=$2; shift 2 ;;
        --wal-mb) wal_mb=$2; shift 2 ;;
        --backlog) backlog=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ "$scale" -le 1 ]; then wal_mb=${wal_mb:-64}; backlog=${backlog:-8}; fi
wal_mb=${wal_mb:-1024}
backlog=${backlog:-64}

. "$(dirname "$0")/common.sh"

make_work lifeboat-cryptobench
agent_pid=""
load_pid=""
cleanup() {
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
    if [ -n "$agent_pid" ]; then kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null; fi || true
    for d in source restored-plain restored-encrypted; do
        [ -d "$work/$d" ] && stop_cluster "$work/$d"
    done
    [ "$keep" = yes ] || rm -rf "$work"
}
trap cleanup EXIT

# The launcher and jar are copied where the postgres user can read them (the checkout may be under /root).
mkdir -p "$work/lifeboat/bin" "$work/lifeboat/cli/target" "$work/keys"
cp "$root/bin/lifeboat" "$work/lifeboat/bin/lifeboat"
cp "$root/cli/target/lifeboat.jar" "$work/lifeboat/cli/target/lifeboat.jar"
chmod -R a+rX "$work/lifeboat"
lifeboat="$work/lifeboat/bin/lifeboat"
for r in plain encrypted agent-plain agent-encrypted passphrase; do mkdir -p "$work/repo-$r"; done
# The key file and the passphrase are made for this run only, readable by the server user alone.
head -c 32 /dev/urandom | base64 > "$work/keys/repo.key"
head -c 24 /dev/urandom | base64 > "$work/keys/passphrase"
chmod 700 "$work/keys"
chmod 600 "$work/keys/repo.key" "$work/keys/passphrase"
key="$work/keys/repo.key"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work"

now() { date +%s.%N; }
secs() { awk "BEGIN { printf \"%.2f\", $1 }"; }
ready() { find "$work/source/pg_wal/archive_status" -name '*.ready' | wc -l; }
set_archive_command() { sql "ALTER SYSTEM SET archive_command = '$1'" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null; }
stop_load() {  # stops the write load; returns once its last transaction is over
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=""
    while [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")" != 0 ]; do
        sleep 0.1
    done
}
switch_and_wait_archived() {  # ends the current segment and waits until archive_command has stored it; prints its name
    local segment
    # a record first: a switch with nothing written since the last one is no switch
    sql "CREATE TABLE IF NOT EXISTS bench_tick (at timestamptz); INSERT INTO bench_tick VALUES (now())" >/dev/null 2>&1
    segment=$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")
    sql "SELECT pg_switch_wal()" >/dev/null
    while [ "$(sql "SELECT last_archived_wal FROM pg_stat_archiver")" != "$segment" ]; do sleep 0.1; done
    echo "$segment"
}
stored_segments() { find "$1/wal" -type f -name '0000*' ! -name '*.history*' ! -name '.tmp-*' 2>/dev/null | wc -l; }

# Every lifeboat command runs as the server user, as archive_command and restore_command do, so
# that all of them own (and can read) the repositories and the key file alike.
lb() { as_server "$lifeboat" "$@"; }
timed() {  # timed LABEL lifeboat-args...: wall seconds, peak RSS (KiB) and CPU seconds of one lifeboat command, its output in $work/LABEL.out
    local label=$1 start end
    shift
    start=$(now)
    as_server /usr/bin/time -f "%M %U %S" -o "$work/$label.rss" "$lifeboat" "$@" > "$work/$label.out" 2> "$work/$label.err" \
        || { echo "$label failed:" >&2; cat "$work/$label.err" >&2; return 1; }
    end=$(now)
    echo "$(secs "$end - $start") $(tail -n 1 "$work/$label.rss" | awk '{ printf "%d %.2f", $1, $2 + $3 }')"
}
measured() { [ -n "$1" ] || { echo "a measurement failed (see above)" >&2; exit 1; }; }
rows=()  # the table: "what|plain s|encrypted s|plain KiB|encrypted KiB|plain CPU s|encrypted CPU s"
row() { rows+=("$1|$2|$3|$4|$5|$6|$7"); }

port=$(free_port)
# Both repositories get each segment at the same moment (two wal-push at once), so that neither
# backup waits longer than the other for its last segment to be archived.
push_both="$lifeboat wal-push --repo $work/repo-plain %p & p=\$!; $lifeboat wal-push --key-file $key --repo $work/repo-encrypted %p; e=\$?; wait \$p && exit \$e"
start_cluster "$work/source" "wal_level = replica" "archive_mode = on" "archive_command = '$push_both'" \
    "max_wal_size = 8GB"
init() { lb init --pgdata "$work/source" --pg-port "$port" "$@" >/dev/null; }
init --repo "$work/repo-plain"
init --repo "$work/repo-agent-plain"
init --repo "$work/repo-encrypted" --encrypt --key-file "$key"
init --repo "$work/repo-agent-encrypted" --encrypt --key-file "$key"
init --repo "$work/repo-passphrase" --encrypt --passphrase-command "cat $work/keys/passphrase"

echo "pgbench -i -s $scale ..."
pgbench_init "$scale"
db_bytes=$(sql "SELECT pg_database_size('postgres')")
echo "waiting for the archiver to catch up ..."
switch_and_wait_archived >/dev/null
sql "CHECKPOINT" >/dev/null

# 1. Full backup: the same files, each repository twice in alternating order (plain, encrypted,
# encrypted, plain); the faster of the two counts, so that neither pays alone for a busy moment.
echo "1. full backups of $(calc "$db_bytes / 1000000") MB ..."
best() {  # best "S RSS" "S RSS": the one with fewer seconds
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); print (x[1] + 0 <= y[1] + 0 ? a : b) }'
}
backup() {  # backup NAME [key options]
    local name=$1
    shift
    timed "backup-$name" backup --repo "$work/repo-$name" "$@" --pgdata "$work/source" --pg-port "$port"
}
p1=$(backup plain); e1=$(backup encrypted --key-file "$key"); e2=$(backup encrypted --key-file "$key"); p2=$(backup plain)
read -r s_plain rss_plain cpu_plain <<< "$(best "$p1" "$p2")"
read -r s_enc rss_enc cpu_enc <<< "$(best "$e1" "$e2")"
measured "$s_enc"
row "full backup, pgbench scale $scale ($(calc "$db_bytes / 1000000") MB)" "$s_plain" "$s_enc" "$rss_plain" "$rss_enc" "$cpu_plain" "$cpu_enc"

# 2. WAL written after the backups, archived into both, then replayed by each restore.
echo "2. writing $wal_mb MB of WAL (archived into both repositories) ..."
prepare_write_load
start_lsn=$(sql "SELECT pg_current_wal_lsn()")
write_load 3600 4
while [ "$(sql "SELECT (pg_current_wal_lsn() - '$start_lsn') / 1048576 >= $wal_mb")" != t ]; do sleep 0.5; done
stop_load
accounts=$(sql "SELECT sum(abalance) FROM pgbench_accounts")
switch_and_wait_archived >/dev/null
restore() {  # restore NAME [options]: restores the newest backup and all WAL, then checks the rows
    local name=$1 rport s rss cpu got
    shift
    rport=$(free_port)
    read -r s rss cpu < <(timed "restore-$name" restore --repo "$work/repo-$name" "$@" --pgdata "$work/restored-$name" \
        --port "$rport" --target latest --start-timeout 1800)
    got=$("$bin/psql" -At -h 127.0.0.1 -p "$rport" -U postgres -c "SELECT sum(abalance) FROM pgbench_accounts" postgres)
    stop_cluster "$work/restored-$name" fast
    rm -rf "$work/restored-$name"
    [ "$got" = "$accounts" ] || { echo "restore-$name: sum(abalance) $got, expected $accounts" >&2; return 1; }
    [ -n "$s" ] || return 1
    echo "$s $rss $cpu"
}
echo "   restoring (plain, then encrypted) ..."
read -r s_plain rss_plain cpu_plain < <(restore plain)
read -r s_enc rss_enc cpu_enc < <(restore encrypted --key-file "$key")
measured "$s_plain"; measured "$s_enc"
row "restore with $wal_mb MB of WAL" "$s_plain" "$s_enc" "$rss_plain" "$rss_enc" "$cpu_plain" "$cpu_enc"
# The same without prefetching: restore_command starts a JVM per segment, which decrypts cold
# (CPU: the restore command's own, not its restore_commands').
read -r s_plain rss_plain cpu_plain < <(restore plain --prefetch 0)
read -r s_enc rss_enc cpu_enc < <(restore encrypted --key-file "$key" --prefetch 0)
measured "$s_plain"; measured "$s_enc"
row "restore, $wal_mb MB of WAL, --prefetch 0 (a JVM per segment)" "$s_plain" "$s_enc" "$rss_plain" "$rss_enc" "$cpu_plain" "$cpu_enc"

# 4 (measured here, while the segment is still in pg_wal). One wal-push of a stored segment, as
# PostgreSQL runs it: a JVM start, opening the repository, finding the segment stored.
segment=$(switch_and_wait_archived)
push_once() {  # push_once LABEL [key options]: mean wall seconds and peak RSS of 5 calls (after one that stores it)
    local label=$1 t0 t1 rss=0 r
    shift
    (cd "$work/source" && as_server "$lifeboat" wal-push --repo "$work/repo-$label" "$@" "pg_wal/$segment" >/dev/null)
    t0=$(now)
    for _ in 1 2 3 4 5; do
        (cd "$work/source" && as_server /usr/bin/time -f "%M" -o "$work/push.rss" "$lifeboat" wal-push --repo "$work/repo-$label" "$@" \
            "pg_wal/$segment" >/dev/null)
        r=$(tail -n 1 "$work/push.rss")
        [ "$r" -gt "$rss" ] && rss=$r
    done
    t1=$(now)
    echo "$(secs "($t1 - $t0) / 5") $rss"
}
echo "4. one wal-push (JVM start) ..."
read -r s_plain_push rss_plain_push < <(push_once plain)
read -r s_key rss_key < <(push_once encrypted --key-file "$key")
read -r s_pass rss_pass < <(push_once passphrase --passphrase-command "cat $work/keys/passphrase")
measured "$s_pass"

# 3. The agent's own drain: archive_command fails, so the agent alone stores the backlog.
set_archive_command "false"
echo "3. a backlog of $backlog segments ..."
write_load 3600 4
while [ "$(ready)" -lt "$backlog" ]; do sleep 0.1; done
stop_load
sql "SELECT pg_switch_wal()" >/dev/null
sleep 1
n=$(ready)
drain() {  # drain NAME [key options]: seconds until the agent has stored every ready segment, its peak RSS and CPU seconds
    local name=$1 repo=$work/repo-agent-$1 t0 t1 rss cpu
    shift
    t0=$(now)
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=postgres --regid=postgres --init-groups -- "$lifeboat" agent --repo "$repo" "$@" --pgdata "$work/source" \
            --pg-port "$port" --pg-host 127.0.0.1 --report-every 5 >> "$work/agent-$name.log" 2>&1 &
    else
        "$lifeboat" agent --repo "$repo" "$@" --pgdata "$work/source" --pg-port "$port" --pg-host 127.0.0.1 --report-every 5 \
            >> "$work/agent-$name.log" 2>&1 &
    fi
    agent_pid=$!
    while [ "$(stored_segments "$repo")" -lt "$n" ]; do
        kill -0 "$agent_pid" 2>/dev/null || { echo "the agent ($name) stopped:" >&2; cat "$work/agent-$name.log" >&2; return 1; }
        sleep 0.05
    done
    t1=$(now)
    rss=$(awk '/VmHWM/ { print $2 }' "/proc/$agent_pid/status")
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$agent_pid/stat")
    kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=""
    echo "$(secs "$t1 - $t0") $rss $cpu"
}
read -r s_plain rss_plain cpu_plain < <(drain plain)
read -r s_enc rss_enc cpu_enc < <(drain encrypted --key-file "$key")
measured "$s_plain"; measured "$s_enc"
row "agent drains $n segments (JVM start included)" "$s_plain" "$s_enc" "$rss_plain" "$rss_enc" "$cpu_plain" "$cpu_enc"

echo
echo "pgbench scale $scale, $(nproc) CPUs, $(java -version 2>&1 | head -n 1)"
printf '%-60s %8s %8s %7s %10s %10s %10s %10s\n' "" "plain s" "encr. s" "ratio" "plain CPU" "encr. CPU" "plain RSS" "encr. RSS"
for r in "${rows[@]}"; do
    IFS='|' read -r what p e rp re cp ce <<< "$r"
    printf '%-60s %8s %8s %6sx %8s s %8s s %6s MiB %6s MiB\n' "$what" "$p" "$e" "$(awk "BEGIN { printf \"%.2f\", $p / $e }")" \
        "$cp" "$ce" "$((rp / 1024))" "$((re / 1024))"
done
echo
echo "one wal-push of a segment already stored, as archive_command runs it (mean of 5):"
how() { [ "$1" -lt 20480 ] && echo "the launcher answers without a JVM" || echo "a JVM start"; }  # by peak RSS (KiB)
printf '  plain %s s (peak RSS %s MiB; %s), key file %s s (%s MiB; %s),\n  passphrase (Argon2id, 64 MiB) %s s (%s MiB; %s and one key derivation)\n' \
    "$s_plain_push" "$((rss_plain_push / 1024))" "$(how "$rss_plain_push")" "$s_key" "$((rss_key / 1024))" "$(how "$rss_key")" \
    "$s_pass" "$((rss_pass / 1024))" "$(how "$rss_pass")"
echo "ratio = plain time / encrypted time, i.e. encrypted throughput as a share of plain (goal >= 0.90)"
