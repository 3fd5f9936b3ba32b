#!/usr/bin/env bash
# WAL benchmark: how fast WAL leaves a busy primary, and how fast a restore replays it.
#
#   bench/wal-archive.sh [--backlog 50] [--load 60] [--clients 4] [--scale 100] [--wal-mb 1024]
#                        [--compress-level 3] [--jobs N] [--sections 1234] [--rounds 1]
#                        [--no-pgbackrest] [--nmt] [--lifeboat-home DIR] [--keep]
#
# On a throwaway cluster (pgbench database of --scale) under a write-heavy pgbench load (the
# built-in TPC-B-like script plus one that inserts 2,000 rows per transaction, so that WAL comes
# at the rate of a busy primary: TPC-B alone writes a segment every few seconds), it measures:
#   1. draining a backlog of --backlog ready segments (archiving paused while pgbench wrote them):
#      bin/lifeboat wal-push alone, with `lifeboat agent` started at the same moment, and
#      pgBackRest archive-push (synchronous and asynchronous) when pgbackrest is installed;
#   2. --load seconds of pgbench with archiving through bin/lifeboat wal-push, without and with
#      the agent: segments written, segments archived per second, the largest ready backlog;
#   3. the latency of one bin/lifeboat wal-push call for an archived segment: answered from the
#      agent's marker, from the directory repository without an agent (sha256sum), by the JVM;
#   4. a restore to latest with --wal-mb of WAL to replay after the backup: lifeboat restore
#      with --prefetch 0 and with the default prefetch, the same backup with a plain
#      `cp` restore_command, and pgBackRest restore (plain and async archive-get) when installed.
# --sections picks which of the four to run; --rounds repeats the restores (in turn) to see the
# noise. Both tools compress with zstd at --compress-level. Every figure is wall time on this
# machine, whatever else runs on it (the load average is printed with the results); CPU per
# segment is what archiving itself used (archive_command processes and the agent). The agent's
# peak RSS (VmHWM: the most memory it has held at once since it started, whatever the load on the
# machine) is printed next to its throughput; with --nmt the agent runs with the JVM's native
# memory tracking and prints where its memory went (heap, metaspace, threads, ...) before it stops.
# --lifeboat-home runs the bin/lifeboat and cli/target/lifeboat.jar of another directory (a copy of
# an older build) instead of this checkout's, to compare builds in the same period.
#
# Needs PostgreSQL server binaries with pgbench (LIFEBOAT_PG_BIN, pg_config, or
# /usr/lib/postgresql/*/bin). As root, the server runs as the postgres user.
set -euo pipefail

backlog=50
load=60
clients=4
scale=100
wal_mb=1024
jobs=""
sections=1234
rounds=1
level=3
pgbackrest=auto
nmt=no
lifeboat_home=""
keep=no
while [ $# -gt 0 ]; do
    case "$1" in
        --backlog) backlog=$2; shift 2 ;;
        --load) load=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --scale) scale=$2; shift 2 ;;
        --wal-mb) wal_mb=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --sections) sections=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --compress-level) level=$2; shift 2 ;;
        --no-pgbackrest) pgbackrest=no; shift ;;
        --nmt) nmt=yes; shift ;;
        --lifeboat-home) lifeboat_home=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

. "$(dirname "$0")/common.sh"
if [ "$pgbackrest" = auto ]; then
    if command -v pgbackrest >/dev/null; then pgbackrest=yes; else pgbackrest=no; fi
fi


make_work lifeboat-walbench
agent_pid=""
load_pid=""
cleanup() {
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
    if [ -n "$agent_pid" ]; then kill -CONT "$agent_pid" 2>/dev/null; kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null; fi || true
    for d in source restored-jvm restored-prefetch restored-cp restored-pgbr restored-pgbr-async; do
        [ -d "$work/$d" ] && stop_cluster "$work/$d"
    done
    [ "$keep" = yes ] || rm -rf "$work"
}
trap cleanup EXIT

# The launcher and jar are copied where the postgres user can read them (the checkout may be under /root).
mkdir -p "$work/lifeboat/bin" "$work/lifeboat/cli/target" "$work/repository" "$work/plain" "$work/pgbackrest"
cp "${lifeboat_home:-$root}/bin/lifeboat" "$work/lifeboat/bin/lifeboat"
cp "${lifeboat_home:-$root}/cli/target/lifeboat.jar" "$work/lifeboat/cli/target/lifeboat.jar"
chmod -R a+rX "$work/lifeboat"
lifeboat="$work/lifeboat/bin/lifeboat"
repo="$work/repository"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work"

now() { date +%s.%N; }
ticks=$(getconf CLK_TCK)
# CPU seconds: of the archiver's finished children (every archive_command run) and of a live process.
archiver_cpu() {
    local pid
    pid=$(sql "SELECT pid FROM pg_stat_activity WHERE backend_type = 'archiver'")
    awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat"
}
process_cpu() {
    awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null || echo 0
}
port=$(free_port)
ready() { find "$work/source/pg_wal/archive_status" -name '*.ready' | wc -l; }
# Waits until nothing is ready, looking every 20 ms without starting a process: a find | wc and a
# sleep every 50 ms would take a few per cent of this machine's CPU from the archiving measured.
mkfifo "$work/nap"
wait_drained() {
    local pattern="$work/source/pg_wal/archive_status/*.ready" files
    while :; do
        # shellcheck disable=SC2206  # the glob is wanted; no match leaves the pattern itself
        files=($pattern)
        [ "${files[0]}" != "$pattern" ] || return 0
        read -rt 0.02 <> "$work/nap" || true
    done
}
set_archive_command() { sql "ALTER SYSTEM SET archive_command = '$1'" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null; }
wal_position() { sql "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"; }

start_cluster "$work/source" "wal_level = replica" "archive_mode = on" "archive_command = 'true'" "max_wal_size = 8GB" \
    "max_wal_senders = 4"
"$lifeboat" init --repo "$repo" --pgdata "$work/source" --pg-port "$port" --compress-level "$level" >/dev/null
echo "pgbench -i -s $scale (its WAL is not archived) ..."
pgbench_init "$scale"
sql "CHECKPOINT" >/dev/null
prepare_write_load
writing() { write_load "$1" "$clients" "${2:-}"; }  # writing SECONDS [OUTPUT]: in the background (its pid in load_pid)
stop_writing() {
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=""
    sql "TRUNCATE bench_filler" >/dev/null
}

lifeboat_push="$lifeboat wal-push --repo $repo %p"
pgbr_conf="$work/pgbackrest.conf"
pgbr() { as_server pgbackrest --config="$pgbr_conf" --stanza=bench "$@"; }
if [ "$pgbackrest" = yes ]; then
    cat > "$pgbr_conf" <<CONF
[global]
repo1-path=$work/pgbackrest
compress-type=zst
compress-level=$level
process-max=4
spool-path=$work/pgbackrest-spool
lock-path=$work/pgbackrest-lock
log-path=$work/pgbackrest-log
log-level-console=warn
log-level-file=off
start-fast=y
archive-check=n

[bench]
pg1-path=$work/source
pg1-port=$port
pg1-socket-path=$work
pg1-user=postgres
CONF
    chmod 644 "$pgbr_conf"
    mkdir -p "$work/pgbackrest-spool" "$work/pgbackrest-lock" "$work/pgbackrest-log"
    [ "$(id -u)" = 0 ] && chown postgres: "$work/pgbackrest-spool" "$work/pgbackrest-lock" "$work/pgbackrest-log"
    pgbr stanza-create >/dev/null
fi

start_agent() {  # start_agent [extra args]: in the background, as the postgres user, like systemd would
    local args=(agent --repo "$repo" --pgdata "$work/source" --pg-port "$port" --pg-host 127.0.0.1 ${jobs:+--jobs $jobs}
        --report-every 5 "$@")
    # Not through as_server: a function run in the background is a subshell, whose pid is not the
    # agent's; and setpriv, unlike runuser, leaves no parent process in between (the launcher
    # execs the JVM, so $! is the agent itself).
    local opts=${LIFEBOAT_JAVA_OPTS:-}
    [ "$nmt" = yes ] && opts="$opts -XX:NativeMemoryTracking=summary"
    if [ "$(id -u)" = 0 ]; then
        LIFEBOAT_JAVA_OPTS=$opts setpriv --reuid=postgres --regid=postgres --init-groups -- "$lifeboat" "${args[@]}" >> "$work/agent.log" 2>&1 &
    else
        LIFEBOAT_JAVA_OPTS=$opts "$lifeboat" "${args[@]}" >> "$work/agent.log" 2>&1 &
    fi
    agent_pid=$!
}
agent_peak() {  # the running agent's peak RSS so far, in MiB
    awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$agent_pid/status" 2>/dev/null || echo "?"
}
agent_memory() {  # with --nmt: the agent's committed memory by JVM category, in MiB
    [ "$nmt" = yes ] || return 0
    as_server jcmd "$agent_pid" VM.native_memory summary 2>/dev/null | awk '
        /^Total:/ { match($0, /committed=[0-9]+KB/); printf "    JVM total committed %d MiB:", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
        /^-/ { name = $2; for (i = 3; $i !~ /^\(reserved/; i++) name = name " " $i
               match($0, /committed=[0-9]+KB/); c = substr($0, RSTART + 10, RLENGTH - 12) / 1024
               if (c >= 1) printf " %s %d,", name, c }
        END { print "" }'
}
agent_cpu() {  # CPU seconds the running agent has used so far
    process_cpu "$(agent_java)"
}
stop_agent() {
    if [ -n "$agent_pid" ]; then
        # SIGTERM: the agent finishes what it is pushing and exits
        kill -CONT "$agent_pid" 2>/dev/null || true
        kill "$agent_pid" 2>/dev/null || true
        wait "$agent_pid" 2>/dev/null || true
        agent_pid=""
    fi
}

# ---------------------------------------------------------------------------------------------
# 1. Backlog drain
make_backlog() {  # archiving paused (a failing archive_command), pgbench until $1 segments wait
    set_archive_command "false"
    writing 3600
    while [ "$(ready)" -lt "$1" ]; do sleep 0.1; done
    stop_writing
    sql "SELECT pg_switch_wal()" >/dev/null
    sleep 1
}
agent_java() { echo "$agent_pid"; }
drain() {  # drain LABEL ARCHIVE_COMMAND [cold|warm]: seconds, segments/s and CPU per segment until nothing is ready
    local label=$1 command=$2 agent_mode=${3:-} n t0 t1 cpu0 cpu1 agent0=0 agent1=0 cpu peak=""
    make_backlog "$backlog"
    n=$(ready)
    cpu0=$(archiver_cpu)
    [ "$agent_mode" = warm ] && agent0=$(agent_cpu)
    t0=$(now)
    if [ "$agent_mode" = cold ]; then
        # A cold start, timed: archive_command is switched on once the agent is up (else the first
        # calls find no agent and start JVMs of their own).
        start_agent
        until [ -f "$work/source/pg_wal/.lifeboat/push/heartbeat" ]; do sleep 0.02; done
    elif [ "$agent_mode" = warm ]; then
        # The agent of the previous drain, stopped (SIGSTOP) while this backlog grew: it resumes
        # warm, as an agent that runs all the time would meet a backlog after a store outage.
        kill -CONT "$(agent_java)"
        until [ -n "$(find "$work/source/pg_wal/.lifeboat/push/heartbeat" -newermt "@${t0%.*}" 2>/dev/null)" ]; do sleep 0.02; done
    fi
    set_archive_command "$command"
    wait_drained
    t1=$(now)
    if [ -n "$agent_mode" ]; then agent1=$(agent_cpu); peak=", agent peak RSS $(agent_peak) MiB"; agent_memory > "$work/nmt.txt"; fi
    if [ "$agent_mode" = cold ]; then kill -STOP "$(agent_java)"; fi
    if [ "$agent_mode" = warm ]; then stop_agent; fi
    cpu1=$(archiver_cpu)
    cpu=$(calc "($cpu1 - $cpu0 + $agent1 - $agent0) * 1000 / $n")
    case "$command" in *--archive-async*) cpu="n/a (detached async process)" ;; *) cpu="$cpu ms" ;; esac
    printf '  %-40s %3d segments in %5.1f s = %5.1f segments/s, CPU per segment %s%s\n' "$label" "$n" "$(calc "$t1 - $t0")" \
        "$(calc "$n / ($t1 - $t0)")" "$cpu" "$peak"
    [ -s "$work/nmt.txt" ] && cat "$work/nmt.txt"
    rm -f "$work/nmt.txt"
}

if [[ $sections == *1* ]]; then
    echo
    echo "1. draining a backlog of $backlog ready segments into a filesystem repository (zstd level $level; Lifeboat compresses WAL at level 1 at most)"
    drain "lifeboat wal-push (no agent)" "$lifeboat_push"
    drain "lifeboat agent (cold start included)" "$lifeboat_push" cold
    drain "lifeboat agent (already running)" "$lifeboat_push" warm
    if [ "$pgbackrest" = yes ]; then
        drain "pgbackrest archive-push (sync)" "pgbackrest --config=$pgbr_conf --stanza=bench archive-push %p"
        drain "pgbackrest archive-push (async)" "pgbackrest --config=$pgbr_conf --stanza=bench --archive-async archive-push %p"
    fi
fi

# ---------------------------------------------------------------------------------------------
# 2. Under load
under_load() {  # under_load LABEL [agent]
    local label=$1 with_agent=${2:-} start_lsn end_lsn archived0 archived1 max_ready=0 r t0 t1 t2 peak=""
    set_archive_command "$lifeboat_push"
    while [ "$(ready)" -gt 0 ]; do sleep 0.1; done
    if [ -n "$with_agent" ]; then start_agent; sleep 2; fi
    start_lsn=$(wal_position)
    archived0=$(sql "SELECT archived_count FROM pg_stat_archiver")
    t0=$(now)
    writing "$load" "$work/pgbench.out"
    while kill -0 "$load_pid" 2>/dev/null; do
        r=$(ready)
        [ "$r" -gt "$max_ready" ] && max_ready=$r
        sleep 0.5
    done
    t1=$(now)
    stop_writing
    end_lsn=$(wal_position)
    archived1=$(sql "SELECT archived_count FROM pg_stat_archiver")
    r=$(ready)
    while [ "$(ready)" -gt 0 ]; do sleep 0.1; done
    t2=$(now)
    if [ -n "$with_agent" ]; then peak=", agent peak RSS $(agent_peak) MiB"; agent_memory > "$work/nmt.txt"; stop_agent; fi
    local written archived seconds tps
    written=$(calc "($end_lsn - $start_lsn) / 16777216")
    archived=$((archived1 - archived0))
    seconds=$(calc "$t1 - $t0")
    tps=$(grep -o 'tps = [0-9.]*' "$work/pgbench.out" | head -n 1 | cut -d' ' -f3 || true)
    printf '  %-28s %5.0f tps, wrote %5.1f segments (%4.1f/s), archived %3d (%4.1f/s), largest backlog %d, %d left at the end (drained in %.1f s)%s\n' \
        "$label" "${tps:-0}" "$written" "$(calc "$written / $seconds")" "$archived" "$(calc "$archived / $seconds")" "$max_ready" "$r" "$(calc "$t2 - $t1")" "$peak"
    [ -s "$work/nmt.txt" ] && cat "$work/nmt.txt"
    rm -f "$work/nmt.txt"
}

if [[ $sections == *2* ]]; then
    echo
    echo "2. $load s of pgbench -c $clients with archive_command = bin/lifeboat wal-push"
    under_load "without agent"
    under_load "with agent" agent
fi

# ---------------------------------------------------------------------------------------------
# 3. One archive_command call
latency() {  # latency LABEL REPO SEGMENT: mean wall milliseconds of 20 calls, made as PostgreSQL makes them
    local label=$1 target=$2 segment=$3 t0 t1 failures
    t0=$(now)
    failures=$(cd "$work/source" && as_server sh -c 'f=0; for i in $(seq 1 20); do "$0" wal-push --repo "$1" "pg_wal/$2" >/dev/null 2>&1 || f=$((f + 1)); done; echo $f' \
        "$lifeboat" "$target" "$segment")
    t1=$(now)
    printf '  %-52s %6.1f ms per call%s\n' "$label" "$(calc "($t1 - $t0) * 1000 / 20")" "$([ "$failures" = 0 ] || echo " ($failures failed!)")"
}

if [[ $sections == *3* ]]; then
echo
echo "3. one bin/lifeboat wal-push call for a segment already archived"
set_archive_command "$lifeboat_push"
start_agent
sleep 2
segment=$(sql "SELECT pg_walfile_name(pg_current_wal_lsn())")
sql "SELECT pg_switch_wal()" >/dev/null
while [ "$(sql "SELECT last_archived_wal FROM pg_stat_archiver")" != "$segment" ]; do sleep 0.1; done
latency "agent running (its marker)" "$repo" "$segment"
stop_agent
rm -rf "$work/source/pg_wal/.lifeboat"   # its markers stay true after it stops: forget them to time the other paths
latency "no agent, directory repository (sha256sum)" "$repo" "$segment"
latency "no agent, same repository as file:// URI (JVM)" "file://$repo" "$segment"
fi

# ---------------------------------------------------------------------------------------------
# 4. Restore with WAL to replay
if [[ $sections == *4* ]]; then
    echo
    echo "4. restore to latest with $wal_mb MB of WAL to replay (pgbench scale $scale)"
    push="$lifeboat_push && cp %p $work/plain/%f"
    [ "$pgbackrest" = yes ] && push="$push && pgbackrest --config=$pgbr_conf --stanza=bench archive-push %p"
    set_archive_command "$push"
    start_agent
    "$lifeboat" backup --repo "$repo" --pgdata "$work/source" --pg-port "$port" ${jobs:+--jobs $jobs} >/dev/null
    [ "$pgbackrest" = yes ] && pgbr backup --type=full >/dev/null
    start_lsn=$(wal_position)
    writing 3600
    while [ $(( ($(wal_position) - start_lsn) / 1048576 )) -lt "$wal_mb" ]; do sleep 0.2; done
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=""
    sql "SELECT pg_switch_wal()" >/dev/null
    while [ "$(ready)" -gt 0 ]; do sleep 0.1; done
    stop_agent
    expected=$(sql "SELECT sum(abalance) || ':' || (SELECT count(*) FROM bench_filler) FROM pgbench_accounts")
    echo "  $(calc "($(wal_position) - $start_lsn) / 1048576") MB of WAL after the backups; sum(abalance):rows = $expected"

    open_for_writes() {  # open_for_writes PORT: waits until the instance takes a write
        until "$bin/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -c "CREATE TABLE IF NOT EXISTS bench_open ()" postgres >/dev/null 2>&1; do
            sleep 0.05
        done
    }
    report() {  # report LABEL PORT T0 T_STARTED T1: files (before the start) + recovery (start to open for writes)
        local balance
        balance=$("$bin/psql" -X -At -h 127.0.0.1 -p "$2" -U postgres -c "SELECT sum(abalance) || ':' || (SELECT count(*) FROM bench_filler) FROM pgbench_accounts" postgres)
        printf '  %-40s %6.1f s = files %5.1f s + recovery to open for writes %5.1f s%s\n' "$1" "$(calc "$5 - $3")" \
            "$(calc "$4 - $3")" "$(calc "$5 - $4")" "$([ "$balance" = "$expected" ] || echo " (WRONG CONTENTS: $balance)")"
    }
    lifeboat_restore() {  # lifeboat_restore LABEL DIR [args]: its own phase timings
        local label=$1 dir=$2 rport t0 t1 open
        shift 2
        rport=$(free_port); t0=$(now)
        "$lifeboat" restore --repo "$repo" --pgdata "$dir" --port "$rport" ${jobs:+--jobs $jobs} --output json "$@" > "$dir.json"
        t1=$(now)
        open=$(grep -o '"toOpenForWrites" : [0-9.]*' "$dir.json" | grep -o '[0-9.]*$')
        report "$label" "$rport" "$t0" "$(calc "$t1 - $open")" "$t1"
        stop_instance "$dir"
    }
    stop_instance() { stop_cluster "$1"; rm -rf "$1"; }
    cp_restore() {
        local dir=$work/restored-cp rport t0 t_started
        rport=$(free_port); t0=$(now)
        "$lifeboat" restore --repo "$repo" --pgdata "$dir" --port "$rport" --no-start ${jobs:+--jobs $jobs} >/dev/null
        echo "restore_command = 'cp $work/plain/%f %p'" >> "$dir/postgresql.auto.conf"
        chown -R postgres: "$dir" 2>/dev/null || true
        t_started=$(now)
        as_server "$bin/pg_ctl" -D "$dir" -l "$dir.log" start >/dev/null
        open_for_writes "$rport"
        report "lifeboat files + cp restore_command" "$rport" "$t0" "$t_started" "$(now)"
        stop_instance "$dir"
    }
    pgbackrest_restore() {  # pgbackrest_restore plain|async
        local dir=$work/restored-pgbr extra="" rport t0 t_started
        if [ "$1" = async ]; then dir="$work/restored-pgbr-async"; extra="--archive-async"; fi
        rport=$(free_port); t0=$(now)
        pgbr restore --pg1-path="$dir" --type=default \
            --recovery-option="restore_command=pgbackrest --config=$pgbr_conf --stanza=bench --pg1-path=$dir $extra archive-get %f \"%p\"" >/dev/null
        printf "port = %s\narchive_mode = off\n" "$rport" >> "$dir/postgresql.auto.conf"
        t_started=$(now)
        as_server "$bin/pg_ctl" -D "$dir" -l "$dir.log" start >/dev/null
        open_for_writes "$rport"
        report "pgbackrest restore ($1 archive-get)" "$rport" "$t0" "$t_started" "$(now)"
        stop_instance "$dir"
    }

    lifeboat_restore "lifeboat restore --prefetch 0" "$work/restored-jvm" --prefetch 0
    for round in $(seq 1 "$rounds"); do
        [ "$rounds" -gt 1 ] && echo "  round $round"
        lifeboat_restore "lifeboat restore (prefetch 8)" "$work/restored-prefetch"
        cp_restore
        if [ "$pgbackrest" = yes ]; then
            pgbackrest_restore plain
            pgbackrest_restore async
        fi
    done
fi

echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs; PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), $("$lifeboat" --version)$([ "$pgbackrest" = yes ] && echo ", $(pgbackrest version)")"
