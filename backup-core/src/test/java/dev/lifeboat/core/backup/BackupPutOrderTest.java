package dev.lifeboat.core.backup;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.archive.WalPushService;
import dev.lifeboat.core.init.InitService;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.ThrowawayCluster;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.ForwardingBlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "A backup counts only once the WAL from its start to its stop is in the repository, and its
 * manifest is written last", watched from the store: every put is recorded in order, while a
 * deliberately slow archiver (PostgreSQL copies segments to a directory, a test thread pushes
 * them into the repository a second later) makes a backup that does not wait show at once.
 */
class BackupPutOrderTest {

    @RegisterExtension
    static final ThrowawayCluster pg = ThrowawayCluster.archivingToDirectory();

    @Test
    void everySegmentFromStartToStopIsStoredBeforeTheManifestWhichIsTheLastPut() throws Exception {
        PutRecordingStore store = new PutRecordingStore(new InMemoryBlobStore("put-order"));
        ConnectionSettings connection = new ConnectionSettings("127.0.0.1", pg.cluster().port(), pg.cluster().superuser(), "postgres", null);
        new InitService(Clock.systemUTC()).run(store, new InitService.Request(pg.cluster().dataDirectory(), connection, 1));
        Repository repository = Repository.open(store);
        ClusterSql.execute(pg.cluster(), "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 50000) g");

        BackupResult result;
        try (SlowArchiver archiver = new SlowArchiver(pg.archiveDirectory(), repository)) {
            result = new BackupService(repository, Clock.systemUTC()).run(new BackupRequest(pg.cluster().dataDirectory(), connection,
                    BackupType.FULL, 2, Duration.ofSeconds(60), ProgressListener.NONE));
            archiver.stopAndRethrow();
        }

        List<String> puts = store.puts();
        String manifest = RepositoryLayout.manifest(result.backupId());
        int manifestAt = puts.indexOf(manifest);
        assertThat(manifestAt).as("the manifest was put: %s", puts).isNotNegative();
        List<String> needed = segments(result.startWalFile(), result.stopWalFile());
        assertThat(needed).isNotEmpty();
        for (String segment : needed) {
            int segmentAt = indexOfWal(puts, segment);
            assertThat(segmentAt).as("WAL segment %s the backup needs was stored; puts: %s", segment, puts).isNotNegative();
            assertThat(segmentAt).as("WAL segment %s is stored before the manifest; puts: %s", segment, puts).isLessThan(manifestAt);
        }
        List<String> backupPuts = puts.stream().filter(k -> !k.startsWith(RepositoryLayout.WAL_PREFIX)).toList();
        assertThat(backupPuts.get(backupPuts.size() - 1)).as("the backup's last put; puts: %s", puts).isEqualTo(manifest);
        assertThat(backupPuts).as("data objects were stored, before the manifest")
                .anyMatch(k -> k.startsWith(RepositoryLayout.dataPrefix(result.backupId())));
    }

    private static int indexOfWal(List<String> puts, String segment) {
        for (int i = 0; i < puts.size(); i++) {
            String key = puts.get(i);
            if (key.startsWith(RepositoryLayout.WAL_PREFIX) && key.substring(key.lastIndexOf('/') + 1).startsWith(segment + "-")) {
                return i;
            }
        }
        return -1;
    }

    /** Segment names from first to last on one timeline (16 MB segments, as the test clusters have). */
    private static List<String> segments(String first, String last) {
        assertThat(first.substring(0, 8)).isEqualTo(last.substring(0, 8));
        long from = Long.parseLong(first.substring(8, 16), 16) * 256 + Long.parseLong(first.substring(16), 16);
        long to = Long.parseLong(last.substring(8, 16), 16) * 256 + Long.parseLong(last.substring(16), 16);
        List<String> names = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            names.add(first.substring(0, 8) + String.format("%08X%08X", n / 256, n % 256));
        }
        return names;
    }

    /** Records the key of every completed put, in the order they completed. */
    private static final class PutRecordingStore extends ForwardingBlobStore {
        private final List<String> puts = new CopyOnWriteArrayList<>();

        PutRecordingStore(InMemoryBlobStore delegate) {
            super(delegate);
        }

        @Override
        public void put(String key, BlobContent content, PutMode mode) {
            super.put(key, content, mode);
            puts.add(key);
        }

        List<String> puts() {
            return List.copyOf(puts);
        }
    }

    /** Pushes what PostgreSQL archived into the directory to the repository, once a second. */
    private static final class SlowArchiver implements AutoCloseable {
        private final Path directory;
        private final WalPushService push;
        private final Set<String> pushed = new HashSet<>();
        private final Thread thread;
        private volatile boolean stop;
        private volatile Exception failure;

        SlowArchiver(Path directory, Repository repository) {
            this.directory = directory;
            this.push = new WalPushService(repository);
            this.thread = new Thread(this::run, "slow-archiver");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!stop) {
                try {
                    Thread.sleep(1000);
                    pushNew();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!stop) {
                        failure = e;
                    }
                    return;
                }
            }
        }

        private void pushNew() throws IOException {
            List<Path> ready;
            try (Stream<Path> files = Files.list(directory)) {
                ready = files.filter(p -> WalArchive.isArchivableName(p.getFileName().toString())).sorted().toList();
            }
            for (Path file : ready) {
                if (pushed.add(file.getFileName().toString())) {
                    push.push(file);
                }
            }
        }

        void stopAndRethrow() throws Exception {
            close();
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
