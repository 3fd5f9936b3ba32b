# Shared by the bench/ scripts (sourced, not run): the checkout, a built jar, the PostgreSQL
# server binaries, and small helpers.

root=$(cd "$(dirname "$0")/.." && pwd -P)
"$root/bin/lifeboat" --version >/dev/null   # builds the jar if needed, before anything is timed

bin=${LIFEBOAT_PG_BIN:-}
if [ -z "$bin" ]; then
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then bin=$(pg_config --bindir)
    else bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); fi
fi
[ -x "$bin/pgbench" ] || { echo "no pgbench in '$bin' (set LIFEBOAT_PG_BIN)" >&2; exit 2; }

# PostgreSQL refuses to run as root: as root, server commands run as the postgres user.
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() {  # a random loopback port nothing listens on
    local p
    while :; do
        p=$((30000 + RANDOM % 10000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

# A scratch directory for one run ($work), readable by the server user: make_work NAME
make_work() {
    work=$(mktemp -d "/tmp/$1-XXXXXX")
    chmod 755 "$work"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; fi
}

# A throwaway cluster on loopback port $port, its socket in $work, with the settings every
# benchmark wants (no checkpoint mid-run): start_cluster DIR [postgresql.conf line ...]
start_cluster() {
    local dir=$1
    shift
    as_server "$bin/initdb" -D "$dir" -A trust -U postgres --no-sync -E UTF8 --locale=C >/dev/null
    {
        echo "port = $port"
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = '$work'"
        echo "checkpoint_timeout = 30min"
        printf '%s\n' "$@"
    } >> "$dir/postgresql.conf"
    as_server "$bin/pg_ctl" -D "$dir" -l "$dir.log" -w start >/dev/null
}

# stop_cluster DIR [MODE]: never fails (cleanup calls it for clusters that may not run).
stop_cluster() { as_server "$bin/pg_ctl" -D "$1" -m "${2:-immediate}" stop >/dev/null 2>&1 || true; }

sql() { "$bin/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -c "$1" postgres; }

# pgbench_init SCALE: pgbench's tables, its last line of output printed.
pgbench_init() { "$bin/pgbench" -i -s "$1" -q -h 127.0.0.1 -p "$port" -U postgres postgres 2>&1 | tail -n 1; }

# The write load of a busy primary: pgbench's TPC-B-like script plus one that inserts 2,000 rows
# per transaction (TPC-B alone writes a segment every few seconds). prepare_write_load once, then
# write_load SECONDS CLIENTS [OUTPUT] runs it in the background, its pid in load_pid.
prepare_write_load() {
    sql "CREATE TABLE bench_filler (id int, note text)" >/dev/null
    echo 'INSERT INTO bench_filler SELECT g, md5(random()::text) FROM generate_series(1, 2000) g;' > "$work/bulk.sql"
    chmod 644 "$work/bulk.sql"
}
write_load() {
    "$bin/pgbench" -T "$1" -c "$2" -b tpcb-like@1 -f "$work/bulk.sql@1" -h 127.0.0.1 -p "$port" -U postgres postgres \
        > "${3:-/dev/null}" 2>&1 &
    load_pid=$!
}
