package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.StoredObjectCheck;
import dev.lifeboat.core.repo.VerifiedObjectCopy;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The WAL files still to be copied to a repository that is not required (the target), kept as
 * empty marker objects in a required repository (the home) that holds the files themselves:
 * {@code queue/<target name>/wal/<file>-<sha256>}. The queue lives in a repository rather than on
 * the database host, so it survives the host, and whoever drains it (the next wal-push, a backup
 * into the target, replicate) copies from the home, checked, then removes the marker.
 */
public final class WalCatchUpQueue {

    private static final Pattern MARKER = Pattern.compile("(.+)-([0-9a-f]{64})");
    private static final byte[] EMPTY = new byte[0];

    private final Repository home;
    private final String targetName;

    public WalCatchUpQueue(Repository home, String targetName) {
        this.home = home;
        this.targetName = targetName;
    }

    /** What a drain did; {@code complete} when the queue is empty at its end. */
    public record Drained(int copied, int alreadyThere, List<String> problems, boolean complete) {
    }

    public String targetName() {
        return targetName;
    }

    public Repository home() {
        return home;
    }

    public boolean isEmpty() {
        try (Stream<BlobInfo> markers = home.store().list(RepositoryLayout.walQueue(targetName))) {
            return markers.findAny().isEmpty();
        }
    }

    /** How many files are queued (lists the whole queue). */
    public long size() {
        try (Stream<BlobInfo> markers = home.store().list(RepositoryLayout.walQueue(targetName))) {
            return markers.count();
        }
    }

    /** Queues a file that is stored in the home; queuing it twice is harmless. */
    public void add(String fileName, String sha256) {
        try {
            home.store().put(RepositoryLayout.walQueueMarker(targetName, fileName, sha256), BlobContent.of(EMPTY),
                    PutMode.CREATE_ONLY);
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                throw e;
            }
        }
    }

    /** When a copy to the target was last tried (by this host's clock), if ever. */
    public Optional<Instant> lastAttempt() {
        try (InputStream in = home.store().get(RepositoryLayout.walQueueAttempt(targetName))) {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip())));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // unreadable: as if never tried
        }
    }

    public void recordAttempt(Instant when) {
        home.store().put(RepositoryLayout.walQueueAttempt(targetName),
                BlobContent.of(Long.toString(when.toEpochMilli()).getBytes(StandardCharsets.US_ASCII)), PutMode.REPLACE);
    }

    /**
     * Copies queued files to {@code target}, oldest name first, until the queue is empty, the
     * first failure, or {@code deadline} (a {@link System#nanoTime()} value) has passed. A file
     * the target already has is only unqueued; a different file under the same name in the
     * target is reported and stays queued.
     */
    public Drained drain(Repository target, long deadline, LongSupplier nanoClock) {
        int copied = 0;
        int alreadyThere = 0;
        List<String> problems = new ArrayList<>();
        String prefix = RepositoryLayout.walQueue(targetName);
        boolean complete = true;
        try (Stream<BlobInfo> markers = home.store().list(prefix)) {
            Iterator<BlobInfo> it = markers.iterator();
            while (it.hasNext()) {
                BlobInfo marker = it.next();
                if (nanoClock.getAsLong() - deadline > 0) {
                    complete = false;
                    break;
                }
                Matcher m = MARKER.matcher(marker.key().substring(prefix.length()));
                if (!m.matches() || !WalArchive.isArchivableName(m.group(1))) {
                    continue; // not ours
                }
                String fileName = m.group(1);
                String sha256 = m.group(2);
                List<ArchivedWal> inTarget = target.wal().findAll(fileName);
                if (inTarget.stream().anyMatch(w -> w.sha256().equals(sha256))) {
                    home.store().delete(marker.key());
                    alreadyThere++;
                    continue;
                }
                if (!inTarget.isEmpty()) {
                    problems.add("WAL file " + fileName + " is stored in " + target.location()
                            + " with different content; it stays queued");
                    complete = false;
                    continue;
                }
                String key = WalArchive.keyFor(fileName, sha256);
                Optional<BlobInfo> stored = home.store().stat(key);
                if (stored.isEmpty()) {
                    problems.add("queued WAL file " + fileName + " is no longer in " + home.location() + "; unqueued");
                    home.store().delete(marker.key());
                    continue;
                }
                ArchivedWal wal = new ArchivedWal(fileName, sha256, key, stored.get().size(), stored.get().lastModified());
                VerifiedObjectCopy.copy(home.store(), target.store(), key, stored.get().size(),
                        StoredObjectCheck.wal(home.codec(), wal, home.descriptor()));
                home.store().delete(marker.key());
                copied++;
            }
        } catch (StorageException | LifeboatException e) {
            problems.add(StorageException.oneLine(e));
            complete = false;
        }
        return new Drained(copied, alreadyThere, problems, complete);
    }
}
