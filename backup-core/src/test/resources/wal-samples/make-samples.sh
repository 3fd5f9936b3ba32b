#!/usr/bin/env bash
# Regenerates the real-WAL samples beside this script, for WalRecordScannerRealWalTest:
# a throwaway cluster runs a known workload, two of its segments are copied out
# (zstd-compressed) and pg_waldump's reading of them is written to expected.properties.
#
#   segment 1: commits, a rollback, a transaction with subtransactions, prepared
#              transactions (commit and rollback, one dropping a table), two restore
#              points, and the start of a large record that runs into segment 2
#   segment 2: starts with the rest of that record (XLP_FIRST_IS_CONTRECORD over many
#              pages), then commits, a rollback and a restore point, ended by pg_switch_wal()
#
# Usage: make-samples.sh   (as root the cluster runs as the postgres user)
# Needs: PostgreSQL server binaries (LIFEBOAT_PG_BIN, else the newest /usr/lib/postgresql/*/bin), zstd.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PG_BIN=${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
WORK=$(mktemp -d /tmp/lifeboat-wal-samples.XXXXXX)
DATA=$WORK/data
ARCHIVE=$WORK/archive
PORT=5499

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
    as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$ARCHIVE"
if [ "$(id -u)" = 0 ]; then chown -R postgres: "$WORK"; fi

as_postgres "$PG_BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$WORK'
port = $PORT
fsync = off
wal_level = logical            # pg_logical_emit_message() needs it
max_prepared_transactions = 4
timezone = 'UTC'
archive_mode = on
archive_command = 'cp %p $ARCHIVE/%f'
CONF
as_postgres "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w start >/dev/null

sql() {
    as_postgres "$PG_BIN/psql" -X -h "$WORK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

# Begin a fresh segment so the first sample starts with a record, not a continuation.
sql -c "SELECT pg_switch_wal()" >/dev/null
FIRST=$(sql -c "SELECT pg_walfile_name(pg_current_wal_insert_lsn() + 1)")

sql >/dev/null <<'SQL'
CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric NOT NULL);
INSERT INTO accounts VALUES (1, 'ada', 100);
INSERT INTO accounts VALUES (2, 'grace', 250);
INSERT INTO accounts SELECT g, 'owner ' || g, g * 10 FROM generate_series(3, 200) g;
BEGIN; INSERT INTO accounts VALUES (9999, 'mallory', 1000000); ROLLBACK;
BEGIN;
  UPDATE accounts SET balance = balance - 50 WHERE id = 1;
  SAVEPOINT transfer;
  UPDATE accounts SET balance = balance + 50 WHERE id = 2;
  RELEASE SAVEPOINT transfer;
  SAVEPOINT audit;
  INSERT INTO accounts VALUES (201, 'auditor', 0);
  ROLLBACK TO SAVEPOINT audit;
COMMIT;
SELECT pg_create_restore_point('before_migration');
BEGIN; ALTER TABLE accounts ADD COLUMN currency text DEFAULT 'EUR'; PREPARE TRANSACTION 'migration'; COMMIT PREPARED 'migration';
CREATE TABLE scratch (x int);
BEGIN; INSERT INTO scratch VALUES (1); PREPARE TRANSACTION 'scratch-insert'; ROLLBACK PREPARED 'scratch-insert';
BEGIN; DROP TABLE scratch; PREPARE TRANSACTION 'scratch-drop'; COMMIT PREPARED 'scratch-drop';
SELECT pg_create_restore_point('after_migration');
SQL

# Non-transactional logical messages are single large WAL records: 6 x 3 MB cannot fit in
# what is left of the 16 MiB segment, so one of them continues into the next segment.
sql -c "SELECT count(pg_logical_emit_message(false, 'lifeboat', repeat('y', 3000000))) FROM generate_series(1, 6)" >/dev/null
SECOND=$(sql -c "SELECT pg_walfile_name(pg_current_wal_insert_lsn())")

sql >/dev/null <<'SQL'
INSERT INTO accounts (id, owner, balance) VALUES (300, 'late', 1);
UPDATE accounts SET balance = balance + 1 WHERE id < 10;
BEGIN; DELETE FROM accounts; ROLLBACK;
SELECT pg_create_restore_point('after_bulk_load');
INSERT INTO accounts (id, owner, balance) VALUES (301, 'last', 2);
SQL
sql -c "SELECT pg_switch_wal()" >/dev/null

for segment in "$FIRST" "$SECOND"; do
    for _ in $(seq 100); do [ -f "$ARCHIVE/$segment" ] && break; sleep 0.1; done
    [ -f "$ARCHIVE/$segment" ] || { echo "segment $segment was not archived" >&2; exit 1; }
done
[ "$FIRST" != "$SECOND" ] || { echo "the workload did not cross a segment boundary" >&2; exit 1; }

# pg_waldump over one segment at a time: a record running into the next segment is not
# printed, and pg_waldump then reports an error, which is expected here.
dump() {
    TZ=UTC "$PG_BIN/pg_waldump" --path="$ARCHIVE" "$1" "$1" 2>/dev/null || true
}

# Reduces pg_waldump's lines to the values the scanner reports. Timestamps are printed as
# "2026-11-25 13:40:01.123456 UTC"; they become ISO-8601 instants.
summarise() {
    awk -v name="$1" '
    /^rmgr: / {
        records++
        xid = $0; sub(/.*tx: */, "", xid); sub(/,.*/, "", xid)
        lsn = $0; sub(/.*lsn: /, "", lsn); sub(/,.*/, "", lsn)
        desc = $0; sub(/.*desc: /, "", desc)
        split(desc, word, " ")
        op = word[1]
        if (op == "RESTORE_POINT") {
            point = desc; sub(/^RESTORE_POINT /, "", point)
            points = points (points == "" ? "" : ",") point "@" lsn
            next
        }
        if ($2 != "Transaction" || op !~ /^(COMMIT|ABORT)(_PREPARED)?$/) next
        w = 2
        if (word[w] ~ /^[0-9]+:$/) { xid = word[w]; sub(/:$/, "", xid); w++ }
        stamp = word[w] "T" word[w + 1]; sub(/;$/, "", stamp)
        stamp = stamp "Z"
        if (first == "") first = stamp
        last = stamp
        if (op ~ /^COMMIT/) {
            commits++
            if (min == "" || xid + 0 < min + 0) min = xid
            if (max == "" || xid + 0 > max + 0) max = xid
        } else {
            aborts++
        }
    }
    END {
        print name ".records=" records + 0
        print name ".commits=" commits + 0
        print name ".aborts=" aborts + 0
        print name ".firstTransactionEnd=" first
        print name ".lastTransactionEnd=" last
        print name ".minCommittedXid=" min
        print name ".maxCommittedXid=" max
        print name ".restorePoints=" points
    }'
}

{
    echo "# Written by make-samples.sh from pg_waldump's output; regenerate, do not edit."
    echo "postgres.version=$("$PG_BIN/postgres" --version | awk '{print $3}')"
    echo "system.identifier=$("$PG_BIN/pg_controldata" "$DATA" | awk -F': *' '/Database system identifier/ {print $2}')"
    echo "segments=$FIRST,$SECOND"
    for segment in "$FIRST" "$SECOND"; do
        dump "$segment" | summarise "$segment"
    done
} > "$HERE/expected.properties"

rm -f "$HERE"/*.zst
for segment in "$FIRST" "$SECOND"; do
    zstd -q -19 -c < "$ARCHIVE/$segment" > "$HERE/$segment.zst"
done
echo "wrote $FIRST, $SECOND and expected.properties to $HERE"
