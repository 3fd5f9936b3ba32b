package dev.lifeboat.bench;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.WalRecordScanner;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import dev.lifeboat.core.wal.WalSegmentSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What archiving one WAL segment costs in CPU, stage by stage, as the agent and wal-push do it
 * (WalPushService): read the file into memory, SHA-256 it, scan its records for the summary,
 * compress it with the WAL codec. Run by bench/jmh.sh on segments a real PostgreSQL wrote.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WalSegmentBenchmark {

    /** A directory of WAL segments (files named like 000000010000000000000042). */
    @Param("")
    public String walDir;

    /** The zstd level WAL is compressed at (level 3, the default, gives WAL level 1). */
    @Param("1")
    public int level;

    private List<Path> files;
    private byte[][] segments;
    private Lsn[] starts;
    private byte[] readBuffer;
    /** The room a push compresses into: lent with its segment, as WalPushService does. */
    private byte[] frameRoom;
    private ObjectCodec codec;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        if (walDir.isEmpty()) {
            throw new IllegalArgumentException("give segments with -p walDir=DIR (bench/jmh.sh makes some)");
        }
        try (Stream<Path> listing = Files.list(Path.of(walDir))) {
            files = listing.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no WAL segments in " + walDir);
        }
        segments = new byte[files.size()][];
        starts = new Lsn[files.size()];
        for (int i = 0; i < files.size(); i++) {
            segments[i] = Files.readAllBytes(files.get(i));
            starts[i] = WalSegmentName.parse(files.get(i).getFileName().toString(),
                    new WalSegmentSize(segments[i].length)).startLsn();
        }
        readBuffer = new byte[segments[0].length];
        frameRoom = new byte[ObjectCodec.frameRoom(segments[0].length)];
        codec = ObjectCodec.forWal(level);
    }

    /** Each call takes the next segment, so that the figures are an average over all of them. */
    private int nextSegment() {
        int i = next;
        next = (next + 1) % segments.length;
        return i;
    }

    /** The segment file read as WalPushService reads it: copied from a mapping of the file. */
    @Benchmark
    public int readMapped() throws IOException {
        Path file = files.get(nextSegment());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.map(FileChannel.MapMode.READ_ONLY, 0, readBuffer.length).get(readBuffer);
            return readBuffer.length;
        }
    }

    /** For comparison: read() in 256 KiB steps, which the JDK passes through a native buffer. */
    @Benchmark
    public int readThroughChannel() throws IOException {
        Path file = files.get(nextSegment());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer target = ByteBuffer.wrap(readBuffer);
            while (target.position() < readBuffer.length) {
                target.limit(Math.min(readBuffer.length, target.position() + (256 << 10)));
                if (channel.read(target) < 0) {
                    break;
                }
            }
            return target.position();
        }
    }

    @Benchmark
    public String sha256() {
        byte[] segment = segments[nextSegment()];
        return ObjectCodec.sha256(segment, segment.length);
    }

    @Benchmark
    public WalSegmentSummary scan() {
        int i = nextSegment();
        return WalRecordScanner.scan(segments[i], segments[i].length, starts[i]);
    }

    @Benchmark
    public ObjectCodec.Encoded compress() {
        byte[] segment = segments[nextSegment()];
        return codec.encodeWhole(segment, segment.length, frameRoom);
    }

    /** The three stages on one segment in memory: a push's CPU without its reads and writes. */
    @Benchmark
    public int checksumScanCompress() {
        int i = nextSegment();
        byte[] segment = segments[i];
        String sha = ObjectCodec.sha256(segment, segment.length);
        WalSegmentSummary summary = WalRecordScanner.scan(segment, segment.length, starts[i]);
        return sha.length() + (int) summary.recordCount() + codec.encodeWhole(segment, segment.length, frameRoom).length();
    }
}
