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
