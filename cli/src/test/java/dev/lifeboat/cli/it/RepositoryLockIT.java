package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.LifeboatVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One backup, expire or replicate at a time per repository: the operator's stories when two
 * of them meet. A command that finds the repository locked exits 14 with one line naming the
 * holder and changes nothing; a lock whose holder was SIGKILLed (same host) or whose lease ran
 * out (another host) is taken over; an expire started during a backup cannot take away what
 * the backup needs, and the backup completes. On a directory and on S3.
 */
@RunsAlone
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepositoryLockIT {

    private static final String LOCKS = "locks/repository/";

    private static ArchivingCluster source;
    private static Path gate;
    private static String archiveCommand;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void clusterWithAFullBackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS pad FROM generate_series(1, 20000) g");
        Lifeboat.Run first = source.backup();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        archiveCommand = ClusterSql.queryForString(source.cluster(), "SHOW archive_command");
        gate = source.scratch().resolve("archiving-held");
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @AfterEach
    void stopStragglers() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        openArchiving();
    }

    @Test
    @Order(1)
    void aSecondBackupAndAnExpireDuringABackupAreRefusedAndTheBackupCompletes() throws Exception {
        holdArchiving();
        Process running = startBackup("running-backup.log");
        String lockKey = awaitLock();
        Map<String, String> before = quietSnapshot();

        Lifeboat.Run second = source.backup();
        // Told to keep one full backup, expire would remove WAL up to the newest listed backup's start.
        Lifeboat.Run expire = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");

        String holder = "pid " + running.pid() + " on host " + LifeboatVersion.host() + " since ";
        BadInputIT.assertFailure(second, 14, "another backup is running on repository " + source.repository() + ": " + holder,
                "run backup again when it has finished");
        assertThat(second.stderrLines().get(0)).endsWith("(lock " + lockKey + ")");
        BadInputIT.assertFailure(expire, 14, "a backup is running on repository " + source.repository() + ": " + holder,
                "run expire again when it has finished");
        assertThat(expire.stderrLines().get(0)).endsWith("(lock " + lockKey + "), so expire cannot run now");
        assertThat(withoutLockContent(RepositorySnapshot.of(source.repository())))
                .as("nothing written or removed by the refused commands").isEqualTo(withoutLockContent(before));
        assertThat(running.isAlive()).isTrue();
        Process patient = startBackup("patient-backup.log", "--lock-wait", "5m"); // waits for the lock instead

        openArchiving();
        assertThat(running.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(running.exitValue()).as(log("running-backup.log")).isZero();
        assertThat(patient.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(patient.exitValue()).as(log("patient-backup.log")).isZero();
        assertThat(backupIds()).hasSize(3).doesNotHaveDuplicates();
        assertThat(lockObjects()).as("the finished backup removed its lock").isEmpty();

        Lifeboat.Run verify = source.lifeboat("verify", "--repo", source.repository().toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        Lifeboat.Run expireNow = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");
        assertThat(expireNow.exitCode()).as(expireNow.toString()).isZero();
        assertThat(backupIds()).hasSize(1);
        assertThat(lockObjects()).isEmpty();
    }

    @Test
    @Order(2)
    void aBackupSigkilledWhileHoldingTheLockDoesNotBlockTheNextOne() throws Exception {
        holdArchiving();
        Process killed = startBackup("killed-backup.log");
        String lockKey = awaitLock();
        killed.destroyForcibly(); // SIGKILL to the JVM (the launcher execs it): no chance to remove the lock
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lockObjects()).containsExactly(lockKey);
        openArchiving();

        Lifeboat.Run next = source.backup();

        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(backupIds()).contains(next.stdout().strip());
        assertThat(lockObjects()).as("the stale lock was taken over, then released").isEmpty();
    }

    @Test
    @Order(3)
    void aLockOfAnotherHostHoldsUntilItsLeaseRunsOut() throws IOException, InterruptedException {
        awaitArchiverIdle(); // the last backup's .backup file may still be on its way
        Instant since = Instant.now().minus(Duration.ofMinutes(5));
        writeLock(source.repository().resolve(LOCKS + "0000000005.lock"), since, Instant.now().plus(Duration.ofMinutes(2)));
        Map<String, String> before = RepositorySnapshot.of(source.repository());

        Lifeboat.Run refused = source.backup();

        BadInputIT.assertFailure(refused, 14, "another backup is running on repository " + source.repository()
                + ": pid 4242 on host db-elsewhere since ", "once its lease ends at");
        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);

        long waitStarted = System.nanoTime();
        Lifeboat.Run waited = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1", "--lock-wait", "2s");
        BadInputIT.assertFailure(waited, 14, "a backup is running", "once its lease ends at");
        assertThat(Duration.ofNanos(System.nanoTime() - waitStarted)).isGreaterThan(Duration.ofSeconds(2));
        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);
        BadInputIT.assertFailure(source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1",
                "--lock-wait", "-5"), 2, "--lock-wait", "--lock-wait 15m");

        writeLock(source.repository().resolve(LOCKS + "0000000005.lock"), since, Instant.now().minus(Duration.ofSeconds(1)));
        Lifeboat.Run next = source.backup();

        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(lockObjects()).isEmpty();
    }

    @Test
    @Order(4)
    void twoBackupsStartedAtOnceNeverShareAnIdAndNeverBothFailOverTheLock() throws Exception {
        List<String> before = backupIds();
        Process a = startBackup("a.log");
        Process b = startBackup("b.log");
        assertThat(a.waitFor(3, TimeUnit.MINUTES) && b.waitFor(3, TimeUnit.MINUTES)).isTrue();

        List<Integer> codes = List.of(a.exitValue(), b.exitValue());
        assertThat(codes).as(log("a.log") + "\n" + log("b.log")).containsAnyOf(0).allMatch(c -> c == 0 || c == 14);
        List<String> added = new ArrayList<>(backupIds());
        added.removeAll(before);
        assertThat(added).as("one new backup per success, each with its own id").hasSize((int) codes.stream().filter(c -> c == 0).count())
                .doesNotHaveDuplicates();
        for (Process p : List.of(a, b)) {
            if (p.exitValue() == 14) {
                Process other = p == a ? b : a;
                assertThat(log(p == a ? "a.log" : "b.log")).contains("another backup is running on repository")
                        .contains("pid " + other.pid() + " on host");
            }
        }
        assertThat(lockObjects()).isEmpty();
    }

    @Test
    @Order(5)
    void onS3AForeignLockRefusesBackupExpireAndReplicateUntilItsLeaseRunsOut() throws IOException {
        String prefix = "lock/" + UUID.randomUUID();
        try (S3Regions regions = S3Regions.start()) {
            String s3 = regions.uri(EU_BUCKET, prefix);
            Lifeboat.Run copy = Lifeboat.run(regions.env(), "replicate", "--from", source.repository().toString(), "--to", s3);
            assertThat(copy.exitCode()).as(copy.toString()).isZero();
            assertThat(regions.hasKeyStartingWith(EU_BUCKET, prefix, "locks/")).as("replicate released the target's lock").isFalse();

            Instant since = Instant.now().minus(Duration.ofMinutes(5));
            regions.write(EU_BUCKET, prefix, LOCKS + "0000000002.lock", lockJson(since, Instant.now().plus(Duration.ofMinutes(2))));
            Map<String, String> before = regions.objects(EU_BUCKET, prefix);

            Lifeboat.Run expire = Lifeboat.run(regions.env(), "expire", "--repo", s3, "--keep-full", "1");
            Lifeboat.Run replicate = Lifeboat.run(regions.env(), "replicate", "--from", source.repository().toString(), "--to", s3);
            Lifeboat.Run backup = Lifeboat.run(regions.env(), "backup", "--repo", s3, "--pgdata", source.dataDirectory().toString(),
                    "--pg-port", Integer.toString(source.port()));

            BadInputIT.assertFailure(expire, 14, "a backup is running on repository ", "once its lease ends at");
            assertThat(expire.stderrLines().get(0)).contains("pid 4242 on host db-elsewhere since ")
                    .endsWith("(lock " + LOCKS + "0000000002.lock), so expire cannot run now");
            BadInputIT.assertFailure(replicate, 14, "pid 4242 on host db-elsewhere", "once its lease ends at");
            assertThat(replicate.stderrLines().get(0)).endsWith("so replicate cannot run now");
            BadInputIT.assertFailure(backup, 14, "another backup is running on repository ", "once its lease ends at");
            assertThat(backup.stderrLines().get(0)).contains("pid 4242 on host db-elsewhere since ");
            assertThat(regions.objects(EU_BUCKET, prefix)).as("S3 repository unchanged").isEqualTo(before);

            regions.write(EU_BUCKET, prefix, LOCKS + "0000000002.lock", lockJson(since, Instant.now().minus(Duration.ofSeconds(1))));
            Lifeboat.Run expireLater = Lifeboat.run(regions.env(), "expire", "--repo", s3, "--keep-full", "1");

            assertThat(expireLater.exitCode()).as(expireLater.toString()).isZero();
            assertThat(expireLater.stdout()).contains("took over the repository lock from backup, pid 4242 on host db-elsewhere")
                    .contains("its lease expired at");
            assertThat(regions.hasKeyStartingWith(EU_BUCKET, prefix, "locks/")).isFalse();
        }
    }

    // --- helpers

    /** Archiving waits while the gate file exists: a backup then holds the lock while it waits for its WAL. */
    private static void holdArchiving() throws IOException {
        Files.writeString(gate, "held");
        String held = "while [ -e " + gate + " ]; do sleep 0.2; done; " + archiveCommand;
        ClusterSql.execute(source.cluster(), "ALTER SYSTEM SET archive_command = '" + held + "'");
        ClusterSql.execute(source.cluster(), "SELECT pg_reload_conf()");
    }

    private static void openArchiving() {
        try {
            Files.deleteIfExists(gate);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ClusterSql.execute(source.cluster(), "ALTER SYSTEM RESET archive_command");
        ClusterSql.execute(source.cluster(), "SELECT pg_reload_conf()");
    }

    private Process startBackup(String logName, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Lifeboat.launcher().toString(), "backup", "--repo", source.repository().toString(),
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()), "--archive-timeout", "240"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(source.scratch().resolve(logName).toFile());
        builder.environment().remove("LIFEBOAT_CONFIG");
        Process p = builder.start();
        started.add(p);
        return p;
    }

    private static void awaitArchiverIdle() throws InterruptedException {
        Path status = source.dataDirectory().resolve("pg_wal/archive_status");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Stream<Path> files = Files.list(status)) {
                if (files.noneMatch(p -> p.getFileName().toString().endsWith(".ready"))) {
                    return;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            assertThat(System.nanoTime()).as("the archiver caught up within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String log(String name) {
        try {
            return Files.readString(source.scratch().resolve(name));
        } catch (IOException e) {
            return "<no log " + name + ">";
        }
    }

    private static String awaitLock() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (lockObjects().isEmpty()) {
            assertThat(System.nanoTime()).as("a backup took the lock within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        return lockObjects().get(0);
    }

    /** A snapshot once the running backup has stored its data and only waits for WAL. */
    private static Map<String, String> quietSnapshot() throws InterruptedException {
        Map<String, String> last = withoutLockContent(RepositorySnapshot.of(source.repository()));
        for (int i = 0; i < 120; i++) {
            Thread.sleep(1000);
            Map<String, String> now = withoutLockContent(RepositorySnapshot.of(source.repository()));
            if (now.equals(last) && now.keySet().stream().anyMatch(k -> k.startsWith("data/") && !k.startsWith("data/" + backupIds().get(0)))) {
                return RepositorySnapshot.of(source.repository());
            }
            last = now;
        }
        throw new AssertionError("the running backup never settled");
    }

    /** The lock's lease is renewed while its holder runs: compare which objects exist, and everything else byte for byte. */
    private static Map<String, String> withoutLockContent(Map<String, String> snapshot) {
        Map<String, String> copy = new java.util.TreeMap<>(snapshot);
        copy.replaceAll((k, v) -> k.startsWith(LOCKS) ? "lock" : v);
        return copy;
    }

    private static List<String> lockObjects() {
        Path dir = source.repository().resolve(LOCKS);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            // A .tmp-* file is a put under way (or one a SIGKILL cut short): the store never lists it as an object.
            return files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".tmp-"))
                    .map(name -> LOCKS + name).sorted().toList();
        } catch (IOException e) {
            return List.of(); // removed while listed
        }
    }

    private static List<String> backupIds() {
        Path dir = source.repository().resolve("backups");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".manifest"))
                    .map(n -> n.substring(0, n.length() - ".manifest".length())).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeLock(Path file, Instant since, Instant leaseUntil) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lockJson(since, leaseUntil));
    }

    /** The lock a backup on host db-elsewhere left: that host cannot be asked about its pid, only its lease counts. */
    private static byte[] lockJson(Instant since, Instant leaseUntil) {
        return ("{\"format\":1,\"generation\":5,\"lockId\":\"e15e7e4e\",\"command\":\"backup\",\"host\":\"db-elsewhere\",\"pid\":4242,"
                + "\"startedAt\":\"" + since + "\",\"renewedAt\":\"" + since + "\",\"leaseUntil\":\"" + leaseUntil + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
