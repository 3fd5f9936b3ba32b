package dev.lifeboat.storage.memory;

import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobKeys;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ContentStream;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.StoreCapabilities;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/**
 * A store in the JVM's memory: the fake that unit tests of higher layers use instead of a disk
 * or a bucket. Thread-safe; CREATE_ONLY is atomic.
 *
 * <p>It is as strict as the strictest real store: like a filesystem it refuses a key that is
 * also the directory of other keys ("a" and "a/b"), so that a layout that works here works on
 * disk too.
 *
 * <p>{@code mem://name} (see {@link #named(String)}) gives one shared instance per name within
 * the JVM, so that a test can hand a location to the code under test and look at the same store
 * afterwards; {@link #forgetAllNamed()} drops them between tests.
 *
 * <p>Faults can be injected for tests of error handling: {@link #failNext}, {@link #loseNextReplies}
 * and {@link #failWhen}; {@link #calls} counts the calls of each operation.
 */
public final class InMemoryBlobStore implements BlobStore {

    /** The operations that faults can target, and that {@link #calls} counts. */
    public enum Operation { PUT, GET, STAT, LIST, DELETE }

    private static final Map<String, InMemoryBlobStore> NAMED = new ConcurrentHashMap<>();
    private static final StoreCapabilities CAPABILITIES = new StoreCapabilities(true, 8, true);

    private record Blob(byte[] bytes, Instant lastModified) {
    }

    /** A fault that applies to calls matching {@code condition}, {@code remaining} more times (-1: until cleared). */
    private static final class Fault {
        final BiPredicate<Operation, String> condition;
        final Kind kind;
        final boolean afterEffect;
        int remaining;

        Fault(BiPredicate<Operation, String> condition, Kind kind, boolean afterEffect, int remaining) {
            this.condition = condition;
            this.kind = kind;
            this.afterEffect = afterEffect;
            this.remaining = remaining;
        }
    }

    private final String location;
    private final Clock clock;
    private final ConcurrentSkipListMap<String, Blob> blobs = new ConcurrentSkipListMap<>();
    /** Serializes changes so the checks for file/directory clashes and CREATE_ONLY hold. */
    private final Object writeLock = new Object();
    private final List<Fault> faults = new ArrayList<>();
    private final Map<Operation, AtomicInteger> calls = new EnumMap<>(Operation.class);

    public InMemoryBlobStore() {
        this("anonymous");
    }

    public InMemoryBlobStore(String name) {
        this(name, Clock.systemUTC());
    }

    /** @param clock gives the blobs' last-modified times (tests of retention set it) */
    public InMemoryBlobStore(String name, Clock clock) {
        this.location = "mem://" + Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (Operation operation : Operation.values()) {
            calls.put(operation, new AtomicInteger());
        }
    }

    /** The store that {@code mem://name} opens: one instance per name within the JVM. */
    public static InMemoryBlobStore named(String name) {
        return NAMED.computeIfAbsent(name, InMemoryBlobStore::new);
    }

    /** Drops every named store, so the next {@code mem://name} starts empty (call between tests). */
    public static void forgetAllNamed() {
        NAMED.clear();
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        BlobKeys.check(key);
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(mode, "mode");
        Fault after = enter(Operation.PUT, key);
        byte[] bytes;
        try (ContentStream in = ContentStream.open(content, location, key)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw StorageException.unreadableContent(location, key, e); // not reached: ContentStream wraps
        }
        synchronized (writeLock) {
            checkNoClash(key);
            Blob blob = new Blob(bytes, clock.instant());
            if (mode == PutMode.CREATE_ONLY) {
                if (blobs.putIfAbsent(key, blob) != null) {
                    throw StorageException.alreadyExists(location, key);
                }
            } else {
                blobs.put(key, blob);
            }
        }
        leave(after, Operation.PUT, key);
    }

    @Override
    public InputStream get(String key) {
        return get(key, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        BlobKeys.check(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " for '" + key + "'");
        }
        Fault after = enter(Operation.GET, key);
        Blob blob = blobs.get(key);
        if (blob == null) {
            throw StorageException.notFound(location, key);
        }
        int start = (int) Math.min(offset, blob.bytes.length);
        int count = (int) Math.min(length, blob.bytes.length - start);
        leave(after, Operation.GET, key);
        return new ByteArrayInputStream(blob.bytes, start, count);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        BlobKeys.check(key);
        Fault after = enter(Operation.STAT, key);
        Blob blob = blobs.get(key);
        leave(after, Operation.STAT, key);
        return Optional.ofNullable(blob).map(b -> new BlobInfo(key, b.bytes.length, b.lastModified));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        BlobKeys.checkPrefix(prefix);
        Fault after = enter(Operation.LIST, prefix);
        leave(after, Operation.LIST, prefix);
        // A weakly consistent, lazy view: keys are ASCII, so the map's order is byte order.
        return blobs.tailMap(prefix, true).entrySet().stream()
                .takeWhile(entry -> entry.getKey().startsWith(prefix))
                .map(entry -> new BlobInfo(entry.getKey(), entry.getValue().bytes.length, entry.getValue().lastModified));
    }

    @Override
    public void delete(String key) {
        BlobKeys.check(key);
        Fault after = enter(Operation.DELETE, key);
        synchronized (writeLock) {
            blobs.remove(key);
        }
        leave(after, Operation.DELETE, key);
    }

    /** Removes every blob (faults and call counts stay). */
    public void clear() {
        synchronized (writeLock) {
            blobs.clear();
        }
    }

    // ---- fault injection for tests -------------------------------------------------------

    /** The next {@code times} calls of {@code operation} fail with {@code kind} without effect. */
    public InMemoryBlobStore failNext(Operation operation, Kind kind, int times) {
        return addFault(new Fault((op, key) -> op == operation, kind, false, times));
    }

    /**
     * The next {@code times} calls of {@code operation} take effect and then fail with
     * {@link Kind#TRANSIENT}, as when a reply is lost on the network after the server acted.
     */
    public InMemoryBlobStore loseNextReplies(Operation operation, int times) {
        return addFault(new Fault((op, key) -> op == operation, Kind.TRANSIENT, true, times));
    }

    /**
     * Every call for which {@code condition} holds (given the operation and the key, or the
     * prefix for LIST) fails with {@code kind} without effect, until {@link #clearFaults()}.
     */
    public InMemoryBlobStore failWhen(BiPredicate<Operation, String> condition, Kind kind) {
        return addFault(new Fault(condition, kind, false, -1));
    }

    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /** How many times {@code operation} was called, failed calls included. */
    public int calls(Operation operation) {
        return calls.get(operation).get();
    }

    private InMemoryBlobStore addFault(Fault fault) {
        if (fault.remaining == 0) {
            return this;
        }
        synchronized (faults) {
            faults.add(fault);
        }
        return this;
    }

    /** Counts the call, throws a fault due before it takes effect, returns one due after it. */
    private Fault enter(Operation operation, String key) {
        calls.get(operation).incrementAndGet();
        Fault due = null;
        synchronized (faults) {
            for (Fault fault : faults) {
                if (fault.remaining != 0 && fault.condition.test(operation, key)) {
                    if (fault.remaining > 0) {
                        fault.remaining--;
                    }
                    due = fault;
                    break;
                }
            }
            faults.removeIf(fault -> fault.remaining == 0);
        }
        if (due != null && !due.afterEffect) {
            throw injected(due, operation, key);
        }
        return due;
    }

    private void leave(Fault due, Operation operation, String key) {
        if (due != null) {
            throw injected(due, operation, key);
        }
    }

    private StorageException injected(Fault fault, Operation operation, String key) {
        String when = fault.afterEffect ? " after it took effect" : "";
        return new StorageException(fault.kind, location, key,
                "injected " + fault.kind + " failure of " + operation + " '" + key + "' in " + location + when);
    }

    /** Refuses a key that would be both a blob and a directory of blobs, as a filesystem must. */
    private void checkNoClash(String key) {
        for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
            String directory = key.substring(0, slash);
            if (blobs.containsKey(directory)) {
                throw clash(key, "blob '" + directory + "' is in the way");
            }
        }
        String below = blobs.ceilingKey(key + "/");
        if (below != null && below.startsWith(key + "/")) {
            throw clash(key, "it is the directory of blob '" + below + "'");
        }
    }

    private StorageException clash(String key, String why) {
        return new StorageException(Kind.PERMANENT, location, key,
                "cannot store '" + key + "' in " + location + ": " + why);
    }
}
