package dev.lifeboat.core.archive;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.LocalFileProblem;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.repo.WalContent;
import dev.lifeboat.core.repo.WalDestination;
import dev.lifeboat.core.wal.WalFormatException;
import dev.lifeboat.core.wal.WalSegmentHeader;
import dev.lifeboat.core.wal.WalSegmentMismatch;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * archive_command's work for one file: refuse WAL of another cluster and a file that is not
 * the segment its name says ({@link WalSegmentMismatch}), store the file once (an identical
 * re-push succeeds, a different file under the same name is refused), and only then report
 * success, so PostgreSQL recycles a segment only after it is durably stored.
 *
 * <p>With {@code replaceInvalid}, a stored copy that is proven not to be the segment its name
 * says (stored by a Lifeboat that did not check) is moved aside to the repository's quarantine
 * before this file, proven to be the segment, is stored in its place. A stored copy that is a
 * valid segment is never touched: then the push is refused as before.
 */
public final class WalPushService {

    /** Larger segments (initdb --wal-segsize goes up to 1 GiB) are streamed from the file. */
    static final long IN_MEMORY_LIMIT = 64L << 20;
    /** Bytes read from a segment at a time (and so the size of the JDK's native buffer for it). */
    private static final int READ_CHUNK = 256 << 10;

    private final WalDestination repository;
    /**
     * Segments held in memory while pushed, with the rooms their frames are compressed into:
     * {@link #memoryBudget(long)} of the heap, so that they fit whatever the number of jobs.
     */
    private final SegmentBuffers buffers;
    private final boolean replaceInvalid;
    /** What {@code replaceInvalid} moved aside, one line each, for the command to report. */
    private final List<String> replaced = new CopyOnWriteArrayList<>();

    /** @param repository a repository, or a set of them (each required one stores the file before push returns) */
    public WalPushService(WalDestination repository) {
        this(repository, false);
    }

    /** @param replaceInvalid move aside a stored copy proven not to be the segment its name says (see the class comment) */
    public WalPushService(WalDestination repository, boolean replaceInvalid) {
        this(repository, memoryBudget(Runtime.getRuntime().maxMemory()), replaceInvalid);
    }

    /**
     * The bytes of segments and frame rooms held at once, for a heap of {@code maxHeap} bytes:
     * half of it, 256 MiB at most. A 16 MiB segment in memory takes 32 MiB with its room, so
     * wal-push's 256 MiB heap (bin/lifeboat) holds four, while the agent's 64 MiB holds none: its
     * jobs stream each file, for the same CPU per segment (bench/wal-archive.sh) and a smaller peak RSS.
     */
    static long memoryBudget(long maxHeap) {
        return Math.min(256L << 20, maxHeap / 2);
    }

    /** @param memoryBudget bytes of segments and frame rooms held in memory at most; 0 streams every segment from its file */
    WalPushService(WalDestination repository, long memoryBudget) {
        this(repository, memoryBudget, false);
    }

    WalPushService(WalDestination repository, long memoryBudget, boolean replaceInvalid) {
        this.repository = repository;
        this.buffers = new SegmentBuffers(memoryBudget);
        this.replaceInvalid = replaceInvalid;
    }

    /** The stored copies moved aside so far (with {@code replaceInvalid}), one line each. */
    public List<String> replaced() {
        return List.copyOf(replaced);
    }

    /** What was pushed: {@code sha256} is the checksum of the content stored (or found stored). */
    public record Result(String fileName, WalArchive.PushOutcome outcome, long bytes, String sha256, Duration elapsed) {
    }

    public Result push(Path file) {
        long started = System.nanoTime();
        String name = file.getFileName().toString();
        if (!WalArchive.isArchivableName(name)) {
            throw new LifeboatException(ErrorCode.USAGE, "'" + name + "' is not a WAL file name",
                    "archive_command must pass %p, the path of the WAL file PostgreSQL wants archived");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ErrorCode.USAGE, "WAL file " + file.toAbsolutePath() + " does not exist",
                    "archive_command runs in the data directory: use %p (pg_wal/NAME), not %f", e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (!isSegment(name)) {
            String sha256 = ObjectCodec.sha256(file);
            WalArchive.PushOutcome outcome = repository.pushWal(name, file, sha256, null);
            return new Result(name, outcome, size, sha256, Duration.ofNanos(System.nanoTime() - started));
        }
        WalSegmentName segment = WalSegmentName.parse(name, new WalSegmentSize(repository.descriptor().walSegmentSize()));
        SegmentBuffers.Lent buffer = size <= IN_MEMORY_LIMIT ? buffers.lend((int) size, ObjectCodec.frameRoom((int) size)) : null;
        if (buffer == null) {
            return pushSegment(segment, file, size, WalContent.of(file), started);
        }
        try {
            return pushSegment(segment, file, size, read(file, buffer), started);
        } finally {
            buffers.giveBack(buffer); // the repositories are done with it: WalFanOut copies what outlives a push
        }
    }

    /** Checks, checksums and summarises a segment (a partial one is not summarised), then stores it. */
    private Result pushSegment(WalSegmentName segment, Path file, long size, WalContent content, long started) {
        String name = file.getFileName().toString();
        try (InputStream in = content.open()) {
            checkSegmentHeader(in, segment, size);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        WalSummaries.Scan scan = segment.partial() ? WalSummaries.checksum(content) : WalSummaries.scan(content, segment);
        if (replaceInvalid) {
            moveAsideInvalidCopies(name, scan.sha256());
        }
        WalArchive.PushOutcome outcome;
        try {
            outcome = repository.pushWal(name, content, scan.sha256(), scan.summary());
        } catch (LifeboatException e) {
            throw e.code() == ErrorCode.CONFLICT ? explainConflict(name, scan.sha256(), e) : e;
        }
        return new Result(name, outcome, size, scan.sha256(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** A stored copy of a file, in one of the required repositories, proven not to be the segment its name says. */
    private record InvalidCopy(Repository repository, ArchivedWal stored, WalSegmentMismatch mismatch) {
    }

    /** The stored copies of {@code name} that differ from this file and are proven not to be that segment. */
    private List<InvalidCopy> invalidCopies(String name, String sha256) {
        List<InvalidCopy> invalid = new ArrayList<>();
        for (Repository member : repository.requiredRepositories()) {
            ArchivedSegmentCheck check = new ArchivedSegmentCheck(member);
            for (ArchivedWal stored : member.wal().findAll(name)) {
                if (!stored.sha256().equals(sha256)) {
                    check.check(stored).ifPresent(mismatch -> invalid.add(new InvalidCopy(member, stored, mismatch)));
                }
            }
        }
        return invalid;
    }

    private void moveAsideInvalidCopies(String name, String sha256) {
        for (InvalidCopy copy : invalidCopies(name, sha256)) {
            String quarantined = copy.repository().wal().quarantine(copy.stored());
            replaced.add("moved " + copy.stored().key() + " aside to " + quarantined + " in " + copy.repository().location()
                    + ": it " + copy.mismatch().detail());
        }
    }

    /**
     * A refusal because another file is stored under this name: when that stored copy is proven
     * not to be the segment, say so and how to replace it (it stalls archiving for good otherwise).
     */
    private LifeboatException explainConflict(String name, String sha256, LifeboatException conflict) {
        List<InvalidCopy> invalid;
        try {
            invalid = invalidCopies(name, sha256);
        } catch (RuntimeException unreadable) {
            conflict.addSuppressed(unreadable); // the stored copy cannot be judged: the plain refusal stands
            return conflict;
        }
        if (invalid.isEmpty()) {
            return conflict;
        }
        InvalidCopy copy = invalid.get(0);
        return new LifeboatException(ErrorCode.CONFLICT, "WAL file " + name + " is already archived in " + copy.repository().location()
                + " with different content, and the stored copy is not segment " + name + ": it " + copy.mismatch().detail(),
                "this file is the real segment: run the same wal-push with --replace-invalid to move the stored copy aside"
                        + " (to quarantine/ in the repository) and archive this one", conflict);
    }

    /**
     * The whole file, into the lent segment array (exactly the size the file had), read in
     * chunks. Not copied from a mapping of the file, though that is 1.3 ms cheaper per 16 MiB
     * segment (WalSegmentBenchmark): a mapping is unmapped only when the garbage collector finds
     * it, and until then its 16 MiB count in the process's memory, so an agent with a heap
     * small enough to collect seldom held hundreds of MiB of mapped segments. A chunk is read
     * through the JDK's per-thread native buffer, which is as large as the chunk.
     */
    private static WalContent read(Path file, SegmentBuffers.Lent lent) {
        byte[] buffer = lent.segment();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() != buffer.length) {
                throw new IOException("its size changed while it was read");
            }
            ByteBuffer target = ByteBuffer.wrap(buffer);
            while (target.position() < buffer.length) {
                target.limit(Math.min(buffer.length, target.position() + READ_CHUNK));
                if (channel.read(target) < 0) {
                    throw new IOException("it was shortened while it was read");
                }
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        return WalContent.of(buffer, buffer.length, lent.frameRoom());
    }

    static boolean isSegment(String name) {
        return WalSegmentName.isSegmentFileName(name);
    }

    /**
     * The long page header at a segment's start names its cluster and segment size, and, with
     * the file's size, proves whether the file is the segment its name says.
     */
    private void checkSegmentHeader(InputStream in, WalSegmentName segment, long size) throws IOException {
        String name = segment.fileName();
        byte[] head = in.readNBytes(WalSegmentHeader.LENGTH);
        WalSegmentHeader header;
        try {
            header = WalSegmentHeader.parse(head);
        } catch (WalFormatException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "WAL file " + name + " does not start with a WAL segment header ("
                    + e.getMessage() + ")", "PostgreSQL hands complete segments to archive_command; check what wrote this file", e);
        }
        repository.requireCluster(header.systemIdentifierText(), "WAL segment " + name);
        if (header.segmentSize().bytes() != repository.descriptor().walSegmentSize()) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "WAL segment " + name + " has segment size " + header.segmentSize().bytes()
                    + " but the repository records " + repository.descriptor().walSegmentSize(), null);
        }
        WalSegmentMismatch.Expected expected = new WalSegmentMismatch.Expected(repository.descriptor().systemIdentifier(),
                new WalSegmentSize(repository.descriptor().walSegmentSize()));
        Optional<WalSegmentMismatch> mismatch = WalSegmentMismatch.find(segment, head, head.length, size, expected);
        if (mismatch.isPresent()) {
            throw new LifeboatException(ErrorCode.CORRUPT, "WAL segment " + mismatch.get().message() + "; nothing was stored",
                    "this file is not the segment its name says: archive_command must pass %p unchanged;"
                            + " check what copied or renamed files in pg_wal", null);
        }
    }

    /**
     * A WAL file wal-push cannot read, in words, with what to check (PostgreSQL's log showed
     * "cannot read X: X" and no hint).
     */
    static LifeboatException unreadable(Path file, IOException e) {
        return new LifeboatException(ErrorCode.STORAGE, "cannot read WAL file " + file + ": " + LocalFileProblem.reason(e),
                "wal-push must run as the user PostgreSQL runs as (archive_command does), on the file PostgreSQL names (%p)", e);
    }
}
