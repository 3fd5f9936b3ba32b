package dev.lifeboat.core.agent;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.PhysicalReplication;
import dev.lifeboat.core.pg.ReplicationSlots;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Receives WAL over the replication protocol as PostgreSQL writes it, through a physical slot
 * it creates and owns, so that the segment still being written is in the repository within
 * {@code flushInterval} of a commit instead of once the segment is full.
 *
 * <p>Received bytes go into a local copy of the current segment. Every flush interval in which
 * WAL arrived, the received part is stored in the repository (replacing the previous part),
 * and only then confirmed to the server, so the slot releases WAL only once it is stored. A
 * completed segment is archived through the normal push path (the archive_command path then
 * finds it stored) and its streamed part is dropped. Lost connections are retried; the slot
 * keeps the WAL meanwhile, which is why its lag is reported (lifeboat check).
 */
final class WalStreamer implements AutoCloseable {

    private static final Duration RETRY = Duration.ofSeconds(5);

    private final StreamSettings settings;
    private final ArchiveDestination destination;
    private final WalSegmentSize segmentSize;
    private final String systemIdentifier;
    private final Path workDirectory;
    private final AgentListener listener;
    private final RepeatingNotes notes;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Lsn stored = Lsn.INVALID;

    private WalSegmentName segment;
    private Path segmentFile;
    private FileChannel channel;
    private long received;
    private long uploaded;

    WalStreamer(StreamSettings settings, ArchiveDestination destination, WalSegmentSize segmentSize, String systemIdentifier,
                Path workDirectory, AgentListener listener) {
        this.settings = settings;
        this.destination = destination;
        this.segmentSize = segmentSize;
        this.systemIdentifier = systemIdentifier;
        this.workDirectory = workDirectory;
        this.listener = listener;
        this.notes = new RepeatingNotes(listener);
        this.thread = new Thread(this::run, "lifeboat-agent-stream");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Where the stored WAL ends (what the slot has been told). */
    Lsn storedUpTo() {
        return stored;
    }

    /** Stores what has arrived and stops. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                session();
            } catch (LifeboatException e) {
                notes.note("streaming stopped: " + e.getMessage() + "; trying again every " + RETRY.toSeconds() + " s");
            } catch (SQLException | IOException | RuntimeException e) {
                notes.note("streaming interrupted: " + e.getMessage() + "; trying again every " + RETRY.toSeconds() + " s");
            } finally {
                closeSegment();
            }
            sleepWhileRunning(RETRY);
        }
    }

    private void session() throws SQLException, IOException {
        Lsn restart;
        try (ClusterSession sql = ClusterSession.connect(settings.connection())) {
            String cluster = sql.systemIdentifier();
            if (!cluster.equals(systemIdentifier)) {
                throw new LifeboatException(ErrorCode.REPOSITORY, "the server at " + settings.connection().describe() + " is cluster "
                        + cluster + ", but the repository belongs to " + systemIdentifier, "point --pg-port at this cluster");
            }
            ReplicationSlots slots = new ReplicationSlots(sql);
            boolean existed = slots.find(settings.slot()).isPresent();
            ReplicationSlots.Slot slot = slots.ensurePhysical(settings.slot());
            // A new slot keeps WAL from the last checkpoint on, which the archive has: stream from now.
            restart = existed && slot.restartLsn() != null ? Lsn.parse(slot.restartLsn())
                    : Lsn.parse(sql.queryString("SELECT pg_current_wal_lsn()::text"));
        }
        try (PhysicalReplication replication = PhysicalReplication.open(settings.connection())) {
            int timeline = replication.identifySystem().timeline();
            // From the start of the segment the slot still keeps, so the local copy is whole.
            WalSegmentName first = WalSegmentName.containing(timeline, restart, segmentSize);
            PGReplicationStream stream = replication.start(settings.slot(), first.startLsn().value());
            openSegment(first);
            listener.note("streaming WAL from " + first.startLsn() + " (timeline " + timeline + ") through slot " + settings.slot());
            long lastFlush = System.nanoTime();
            try {
                while (running && !stream.isClosed()) {
                    ByteBuffer data = stream.readPending();
                    if (data != null) {
                        long end = stream.getLastReceiveLSN().asLong();
                        accept(end - data.remaining(), data, stream);
                    }
                    if (received > uploaded && System.nanoTime() - lastFlush >= settings.flushInterval().toNanos()) {
                        flush(stream);
                        lastFlush = System.nanoTime();
                    }
                    if (data == null) {
                        Thread.sleep(10);
                    }
                }
                if (received > uploaded) {
                    flush(stream);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    stream.close();
                } catch (SQLException ignored) {
                    // the connection closes next
                }
            }
        }
    }

    /** Writes WAL that starts at {@code lsn} into the segment copies it belongs to. */
    private void accept(long lsn, ByteBuffer data, PGReplicationStream stream) throws IOException, SQLException {
        while (data.hasRemaining()) {
            long segmentNumber = Long.divideUnsigned(lsn, segmentSize.bytes());
            long offset = Long.remainderUnsigned(lsn, segmentSize.bytes());
            if (segmentNumber != segment.segmentNumber() || offset != received) {
                throw new IOException("WAL arrived at " + new Lsn(lsn) + " while " + segment.startLsn().plus(received)
                        + " was expected");
            }
            int n = (int) Math.min(data.remaining(), segmentSize.bytes() - offset);
            ByteBuffer part = data.slice();
            part.limit(n);
            while (part.hasRemaining()) {
                channel.write(part, offset + (n - part.remaining()));
            }
            data.position(data.position() + n);
            received += n;
            lsn += n;
            if (received == segmentSize.bytes()) {
                completeSegment(stream);
            }
        }
    }

    /** Stores the received part of the current segment, then tells the server it may let go of it. */
    private void flush(PGReplicationStream stream) throws SQLException {
        Lsn end = segment.startLsn().plus(received);
        destination.storePartial(segment.fileName(), segmentFile, received, end.toString());
        uploaded = received;
        confirm(stream, end);
    }

    /** A whole segment: archived like any other, and its streamed part is no longer needed. */
    private void completeSegment(PGReplicationStream stream) throws IOException, SQLException {
        channel.force(false);
        channel.close();
        channel = null;
        Path whole = workDirectory.resolve(segment.fileName());
        Files.move(segmentFile, whole, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try {
            destination.push(whole);
        } finally {
            Files.deleteIfExists(whole);
        }
        if (uploaded > 0) {
            destination.dropPartial(segment.fileName());
        }
        confirm(stream, segment.endLsn());
        openSegment(segment.next());
    }

    private void confirm(PGReplicationStream stream, Lsn end) throws SQLException {
        stored = end;
        stream.setFlushedLSN(LogSequenceNumber.valueOf(end.value()));
        stream.setAppliedLSN(LogSequenceNumber.valueOf(end.value()));
        stream.forceUpdateStatus();
    }

    private void openSegment(WalSegmentName name) throws IOException {
        closeSegment();
        Files.createDirectories(workDirectory);
        segment = name;
        segmentFile = workDirectory.resolve(name.fileName() + ".partial");
        channel = FileChannel.open(segmentFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        received = 0;
        uploaded = 0;
    }

    private void closeSegment() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a local copy only
            }
            channel = null;
        }
        if (segmentFile != null) {
            try {
                Files.deleteIfExists(segmentFile);
            } catch (IOException ignored) {
                // overwritten by the next session
            }
        }
    }

    private void sleepWhileRunning(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
