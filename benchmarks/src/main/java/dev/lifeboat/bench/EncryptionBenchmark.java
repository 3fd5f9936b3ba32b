package dev.lifeboat.bench;

import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.EncryptingBlobStore;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
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
import java.io.InputStream;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What encryption adds per object, on one thread: storing and reading back an object of
 * {@code megabytes} (5 MiB is about a compressed 16 MiB WAL segment) through
 * {@link EncryptingBlobStore} on an in-memory store, against the same object stored in the
 * clear. The difference is the cost of AES-256-GCM-HKDF streaming; divide the size by ms/op for
 * a throughput.
 *
 * <p>The fork gets the JIT options bin/lifeboat gives every command, which compile the JDK's GCM
 * code early. Without them encryption stayed near 80 MB/s (5 MiB: put 79 ms, get 98 ms) for as
 * long as this benchmark ran, because a few large calls never make that code hot; with them,
 * 9 and 3 ms.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:CompileCommand=quiet",
        "-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.GHASH*::*,0.01",
        "-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.GCTR*::*,0.01",
        "-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.CounterMode*::*,0.01",
        "-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.GaloisCounterMode*::*,0.01"})
public class EncryptionBenchmark {

    @Param("5")
    public int megabytes;

    private byte[] object;
    private BlobStore plain;
    private BlobStore encrypted;
    private final byte[] sink = new byte[64 * 1024];

    @Setup(Level.Trial)
    public void stores() {
        object = new byte[megabytes << 20];
        new Random(42).nextBytes(object); // compressed data looks random
        plain = new InMemoryBlobStore("plain");
        encrypted = new EncryptingBlobStore(new InMemoryBlobStore("encrypted"), DataKeyset.generate(), Set.of());
        plain.put("wal/object", BlobContent.of(object), PutMode.REPLACE);
        encrypted.put("wal/object", BlobContent.of(object), PutMode.REPLACE);
    }

    @Benchmark
    public void putPlain() {
        plain.put("wal/put", BlobContent.of(object), PutMode.REPLACE);
    }

    @Benchmark
    public void putEncrypted() {
        encrypted.put("wal/put", BlobContent.of(object), PutMode.REPLACE);
    }

    @Benchmark
    public long getPlain() throws IOException {
        return drain(plain.get("wal/object"));
    }

    @Benchmark
    public long getEncrypted() throws IOException {
        return drain(encrypted.get("wal/object"));
    }

    private long drain(InputStream in) throws IOException {
        long total = 0;
        try (in) {
            for (int n; (n = in.read(sink)) >= 0; ) {
                total += n;
            }
        }
        return total;
    }
}
