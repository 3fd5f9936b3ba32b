package dev.lifeboat.core.report;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.Passphrase;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.report.RepositoryReport.RecoverableWindow;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The report model of repositories built in memory: what each plot will show. */
class ReportServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @TempDir
    Path temp;

    private InMemoryBlobStore store;
    private Repository repository;

    @BeforeEach
    void repository() {
        store = new InMemoryBlobStore("report");
        repository = Repository.initialize(store, TestRepositoryDescriptor.standard());
    }

    @Test
    void aGapEndsTheWindowOfTheBackupBeforeItAndTheNextBackupOpensANewOne() throws IOException {
        backup("20261120-140000F", "0/2000028", 2, T0, 40);
        backup("20261120-150000I", "0/8000028", 8, T0.plusSeconds(3600), 12);
        for (long s : new long[]{2, 3, 4, 7, 8, 9}) {
            segment(s, null);
        }
        segment(5, T0.plusSeconds(1200)); // the last commit before the gap; 6 is missing

        RepositoryReport report = report();

        assertThat(report.error()).isNull();
        assertThat(report.windows()).hasSize(2);
        RecoverableWindow first = report.windows().get(0);
        assertThat(first.fromBackup()).isEqualTo("20261120-140000F");
        assertThat(first.from()).isEqualTo(T0.plusSeconds(40));
        assertThat(first.until()).isEqualTo(T0.plusSeconds(1200));
        assertThat(first.lastSegment()).isEqualTo("000000010000000000000005");
        assertThat(first.endsAt()).isEqualTo(RecoverableWindow.GAP);
        RecoverableWindow second = report.windows().get(1);
        assertThat(second.fromBackup()).isEqualTo("20261120-150000I");
        assertThat(second.lastSegment()).isEqualTo("000000010000000000000009");
        assertThat(second.endsAt()).isEqualTo(RecoverableWindow.ARCHIVE_END);
        assertThat(report.gaps()).singleElement().satisfies(g -> {
            assertThat(g.firstMissing()).isEqualTo("000000010000000000000006");
            assertThat(g.lastMissing()).isEqualTo("000000010000000000000006");
            assertThat(g.after()).isNotNull();
            assertThat(g.before()).isNotNull();
        });
        assertThat(report.backups()).extracting(RepositoryReport.BackupRun::id).containsExactly("20261120-140000F", "20261120-150000I");
        assertThat(report.backups().get(0).duration()).isEqualTo(Duration.ofSeconds(40));
        assertThat(report.backups().get(1).type()).isEqualTo("incr");
        assertThat(report.backups().get(0).storedBytes()).isEqualTo(700);
        assertThat(report.wal().segments()).isEqualTo(7);
        assertThat(report.wal().hours()).isNotEmpty();
    }

    @Test
    void anEncryptedRepositoryIsReadThroughItsKeyAndShowsTheSame() throws IOException {
        Passphrase key = Passphrase.of("correct horse battery staple", "test passphrase");
        InMemoryBlobStore raw = new InMemoryBlobStore("encrypted");
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        Repository.initialize(raw, new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, plain.systemIdentifier(),
                plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(), DataKeyset.ALGORITHM,
                plain.created(), plain.createdBy(), WrappedKeyset.create(key, plain.systemIdentifier(), raw.location())), key).close();
        store = raw;
        repository = Repository.open(raw, key);
        backup("20261120-140000F", "0/2000028", 2, T0, 10);
        segment(2, null);
        segment(3, T0.plusSeconds(900));
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(100), true));

        RepositoryReport report = report();

        assertThat(report.windows()).singleElement().satisfies(w -> assertThat(w.until()).isEqualTo(T0.plusSeconds(900)));
        assertThat(report.drills()).extracting(RepositoryReport.DrillRun::verdict).containsExactly("passed");
        assertThat(report.backups()).extracting(RepositoryReport.BackupRun::storedBytes).containsExactly(700L);
    }

    @Test
    void twoBackupsOnOneUnbrokenStretchShareOneWindowFromTheOlder() throws IOException {
        backup("20261120-140000F", "0/2000028", 2, T0, 10);
        backup("20261120-141000F", "0/3000028", 3, T0.plusSeconds(600), 10);
        for (long s = 2; s <= 4; s++) {
            segment(s, null);
        }

        RepositoryReport report = report();

        assertThat(report.windows()).singleElement().satisfies(w -> {
            assertThat(w.fromBackup()).isEqualTo("20261120-140000F");
            assertThat(w.endsAt()).isEqualTo(RecoverableWindow.ARCHIVE_END);
        });
        assertThat(report.gaps()).isEmpty();
    }

    @Test
    void aBackupWhoseOwnWalIsMissingHasNoWindow() throws IOException {
        backup("20261120-140000F", "0/2000028", 3, T0, 10);
        segment(2, null); // 3, the stop segment, never arrived

        assertThat(report().windows()).isEmpty();
    }

    @Test
    void everyDrillOfEveryBackupIsShownOldestFirstWithItsVerdictAndRto() {
        backup("20261120-140000F", "0/2000028", 2, T0, 10);
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(100), false));
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(200), true));

        RepositoryReport report = report();

        assertThat(report.drills()).extracting(RepositoryReport.DrillRun::verdict).containsExactly("failed", "passed");
        assertThat(report.drills().get(0).failure()).isEqualTo("restore: corrupt object");
        assertThat(report.drills().get(1).rto()).isEqualTo(Duration.ofMillis(4005));
        assertThat(report.drills().get(1).backupId()).isEqualTo("20261120-140000F");
    }

    @Test
    void jobRunsAreGroupedPerJobOldestFirst() {
        JobRunLog log = new JobRunLog(repository, Clock.fixed(T0, ZoneOffset.UTC));
        log.record(run("nightly", T0, JobRun.Outcome.SUCCEEDED, null));
        log.record(run("nightly", T0.plusSeconds(86400), JobRun.Outcome.FAILED, "connection refused"));
        log.record(run("weekly-drill", T0.plusSeconds(3600), JobRun.Outcome.SUCCEEDED, null));

        RepositoryReport report = report();

        assertThat(report.jobs()).extracting(RepositoryReport.JobTrack::job).containsExactly("nightly", "weekly-drill");
        assertThat(report.jobs().get(0).kind()).isEqualTo("backup");
        assertThat(report.jobs().get(0).runs()).extracting(RepositoryReport.JobRunPoint::outcome).containsExactly("succeeded", "failed");
        assertThat(report.jobs().get(0).runs().get(1).error()).isEqualTo("connection refused");
        assertThat(report.jobs().get(0).runs().get(0).duration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anEmptyRepositoryGivesEmptyListsAndWritesNothing() {
        List<String> before = keys();

        RepositoryReport report = report();

        assertThat(report.backups()).isEmpty();
        assertThat(report.windows()).isEmpty();
        assertThat(report.drills()).isEmpty();
        assertThat(report.jobs()).isEmpty();
        assertThat(report.wal().hours()).isEmpty();
        assertThat(keys()).isEqualTo(before);
    }

    private RepositoryReport report() {
        return new ReportService(repository, Clock.systemUTC()).run("main", Duration.ofDays(3650), 100);
    }

    private List<String> keys() {
        try (Stream<BlobInfo> all = store.list("")) {
            return all.map(BlobInfo::key).sorted().toList();
        }
    }

    private void backup(String id, String startLsn, long stopSegment, Instant start, long seconds) {
        String startWal = String.format("%08X%08X%08X", 1, 0, Lsn.parse(startLsn).value() >>> 24);
        String stopWal = String.format("%08X%08X%08X", 1, 0, stopSegment);
        BackupType type = id.endsWith("I") ? BackupType.INCR : BackupType.FULL;
        repository.backups().write(new BackupManifest(1, id, type, type == BackupType.FULL ? null : "20261120-140000F", "7441", 15,
                "15.18", 16 << 20, 1, startLsn, startLsn.replace("28", "100"), startWal, stopWal, start, start.plusSeconds(seconds),
                700, "START TIMELINE: 1", null, new BackupManifest.Totals(3, 2000, 700, 0), "test", "host", List.of(), List.of(),
                List.of()));
    }

    private void segment(long number, Instant lastCommit) throws IOException {
        String name = String.format("%08X%08X%08X", 1, 0, number);
        Path file = temp.resolve(name);
        Files.write(file, TestSegments.empty(name, repository.descriptor().systemIdentifier()));
        WalSummary summary = lastCommit == null ? null : new WalSummary(lastCommit, lastCommit, 1, null, null, List.of(), null);
        repository.wal().push(name, file, ObjectCodec.sha256(file), summary);
    }

    private static DrillRecord drill(String backupId, Instant at, boolean passed) {
        return new DrillRecord(1, DrillRecord.newId(at), backupId, passed ? DrillRecord.Verdict.PASSED : DrillRecord.Verdict.FAILED,
                passed ? null : "restore: corrupt object", at, at.plusSeconds(30), "latest", 1, "0/3000148",
                passed ? new DrillRecord.VerifiedEnd("0/3000110", 1) : null,
                new DrillRecord.Timings(Duration.ofMillis(5), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(2), Duration.ofMillis(4005), Duration.ofSeconds(1), Duration.ofSeconds(6)),
                List.of(), List.of(), "7441", "15.18", "test", "host");
    }

    private static JobRun run(String job, Instant start, JobRun.Outcome outcome, String error) {
        return new JobRun(job, "backup", Long.toHexString(start.getEpochSecond()), "schedule", start, start, start.plusSeconds(30),
                outcome, outcome == JobRun.Outcome.SUCCEEDED ? "backup done" : null, error, "host", 1, "daemon", null);
    }
}
