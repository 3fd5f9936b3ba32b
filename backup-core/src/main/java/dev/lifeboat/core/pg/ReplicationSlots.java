package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Physical replication slots on the source. A slot keeps the WAL its consumer has not
 * confirmed, so a consumer that dies keeps WAL until the primary's disk is full: that is why
 * every slot's retained WAL is reported, and a slot can be dropped with one command.
 */
public final class ReplicationSlots {

    /**
     * One slot.
     *
     * @param retainedBytes WAL kept for it (from restart_lsn to the current position), or null
     * @param walStatus     reserved, extended, unreserved or lost (PostgreSQL 13+)
     */
    public record Slot(String name, String type, boolean active, Integer activePid, String restartLsn, Long retainedBytes,
                       String walStatus) {
    }

    private final ClusterSession session;

    public ReplicationSlots(ClusterSession session) {
        this.session = session;
    }

    private static final String COLUMNS = "slot_name, slot_type, active, active_pid, restart_lsn::text,"
            + " CASE WHEN restart_lsn IS NULL THEN NULL ELSE pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
            + " THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, restart_lsn)::bigint END, wal_status";

    public List<Slot> list() {
        List<Slot> slots = new ArrayList<>();
        try (Statement st = session.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM pg_replication_slots ORDER BY slot_name")) {
            while (rs.next()) {
                slots.add(slot(rs));
            }
        } catch (SQLException e) {
            throw failure("listing replication slots", e);
        }
        return slots;
    }

    public Optional<Slot> find(String name) {
        try (PreparedStatement ps = session.connection().prepareStatement(
                "SELECT " + COLUMNS + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(slot(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("reading replication slot " + name, e);
        }
    }

    /** The physical slot of that name, created (reserving WAL from now on) when there is none. */
    public Slot ensurePhysical(String name) {
        Optional<Slot> existing = find(name);
        if (existing.isPresent()) {
            if (!"physical".equals(existing.get().type())) {
                throw new LifeboatException(ErrorCode.USAGE, "replication slot " + name + " is a " + existing.get().type() + " slot",
                        "name another slot with --slot");
            }
            return existing.get();
        }
        try (PreparedStatement ps = session.connection().prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
            ps.setString(1, name);
            ps.execute();
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: another process just created it
                throw failure("creating replication slot " + name, e);
            }
        }
        return find(name).orElseThrow(() -> new LifeboatException(ErrorCode.POSTGRES, "replication slot " + name + " vanished"));
    }

    /** Drops the slot; false when there was none. */
    public boolean drop(String name) {
        Optional<Slot> slot = find(name);
        if (slot.isEmpty()) {
            return false;
        }
        if (slot.get().active()) {
            throw new LifeboatException(ErrorCode.POSTGRES, "replication slot " + name + " is in use by process " + slot.get().activePid(),
                    "stop the agent that streams through it first");
        }
        try (PreparedStatement ps = session.connection().prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, name);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if ("42704".equals(e.getSQLState())) { // undefined_object: dropped meanwhile
                return false;
            }
            throw failure("dropping replication slot " + name, e);
        }
    }

    private static Slot slot(ResultSet rs) throws SQLException {
        long retained = rs.getLong(6);
        Long retainedBytes = rs.wasNull() ? null : retained;
        int pid = rs.getInt(4);
        Integer activePid = rs.wasNull() ? null : pid;
        return new Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3), activePid, rs.getString(5), retainedBytes,
                rs.getString(7));
    }

    private LifeboatException failure(String what, SQLException e) {
        String hint = "42501".equals(e.getSQLState()) ? "connect as a superuser or a role with REPLICATION (--pg-user)" : null;
        return new LifeboatException(ErrorCode.POSTGRES, "PostgreSQL at " + session.settings().describe() + " failed " + what + ": "
                + e.getMessage(), hint, e);
    }
}
