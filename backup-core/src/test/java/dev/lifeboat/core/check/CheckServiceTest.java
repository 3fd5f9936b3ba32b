package dev.lifeboat.core.check;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Gaps found before a restore needs the WAL, on repositories built in memory. */
class CheckServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @TempDir
    Path temp;

    private Repository repository;

    @BeforeEach
    void repository() {
        repository = Repository.initialize(new InMemoryBlobStore("check"), TestRepositoryDescriptor.standard());
    }

    @Test
    void aMissingSegmentAfterABackupsStartIsAProblemNamingTheBackupsItBreaks() throws IOException {
        backup("20261120-140000F", 1, "0/3000028", "0/3000100", 3);
        backup("20261120-150000F", 1, "0/8000028", "0/8000100", 8);
        for (long s : new long[]{1, 3, 4, 5, 7, 8, 9}) { // 2 is before every backup; 6 is missing
            segment(1, s);
        }

        CheckReport report = check(null);
        assertThat(report.passed()).isFalse();
        CheckReport.TimelineWal timeline = report.timelines().get(0);
        assertThat(timeline.from()).isEqualTo("000000010000000000000003");
        assertThat(timeline.newest()).isEqualTo("000000010000000000000009");
        assertThat(timeline.gaps()).singleElement().satisfies(gap -> {
            assertThat(gap.firstMissing()).isEqualTo("000000010000000000000006");
            assertThat(gap.lastMissing()).isEqualTo("000000010000000000000006");
            assertThat(gap.backups()).containsExactly("20261120-140000F");
        });
        assertThat(report.problems()).singleElement().asString()
                .contains("000000010000000000000006 is missing").contains("20261120-140000F");

        segment(1, 6);
        assertThat(check(null).passed()).isTrue();
    }

    @Test
    void aNewTimelineIsCheckedAlongItsPathFromTheBackupOnItsParent() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2);
        segment(1, 2);
        segment(1, 3);
        segment(1, 4); // the switch to timeline 2 happened in segment 4
        history(2, "1\t0/4800000\tno recovery target specified\n");
        segment(2, 4);
        segment(2, 6); // 5 is missing on timeline 2

        CheckReport report = check(null);
        CheckReport.TimelineWal timeline2 = report.timelines().stream().filter(t -> t.timeline() == 2).findFirst().orElseThrow();
        assertThat(timeline2.from()).isEqualTo("000000020000000000000002");
        assertThat(timeline2.gaps()).extracting(CheckReport.Gap::firstMissing).containsExactly("000000020000000000000005");
        assertThat(report.timelines().stream().filter(t -> t.timeline() == 1).findFirst().orElseThrow().gaps()).isEmpty();
    }

    @Test
    void aReadyBacklogBeyondTheLimitIsAProblem() throws IOException {
        backup("20261120-140000F", 1, "0/3000028", "0/3000100", 3);
        Path pgdata = temp.resolve("pgdata");
        Path status = Files.createDirectories(pgdata.resolve("pg_wal/archive_status"));
        for (int i = 1; i <= 5; i++) {
            Files.createFile(status.resolve(String.format("0000000100000000%08X.ready", i)));
        }
        CheckReport report = new CheckService(repository).run(new CheckService.Request(pgdata, null, 4, 1L << 30));
        assertThat(report.cluster().ready()).isEqualTo(5);
        assertThat(report.cluster().oldestReady()).isEqualTo("000000010000000000000001");
        assertThat(report.problems()).singleElement().asString().contains("5 WAL files wait to be archived");
        assertThat(new CheckService(repository).run(new CheckService.Request(pgdata, null, 5, 1L << 30)).passed()).isTrue();
    }

    @Test
    void aRepositoryWithoutABackupFailsTheCheck() {
        CheckReport report = check(null);
        assertThat(report.problems()).singleElement().asString().contains("holds no backup").contains("lifeboat backup");
    }

    @Test
    void aBackupOlderThanTheLimitFailsNamingIt() {
        backup("20261120-140000F", 1, "0/3000028", "0/3000100", 3);
        segment(1, 3);
        CheckService in30Hours = new CheckService(repository, Clock.fixed(T0.plus(Duration.ofHours(30)), ZoneOffset.UTC));

        CheckReport stale = in30Hours.run(limits(Duration.ofHours(26), null, null));
        assertThat(stale.problems()).singleElement().asString()
                .contains("newest backup, 20261120-140000F, ended 29 h ago").contains("more than 26h");
        assertThat(stale.health().newestBackup()).isEqualTo("20261120-140000F");

        assertThat(in30Hours.run(limits(Duration.ofHours(36), null, null)).passed()).isTrue();
    }

    @Test
    void theNewestDrillFailingFailsTheCheckAndNoDrillAtAllIsAWarning() {
        backup("20261120-140000F", 1, "0/3000028", "0/3000100", 3);
        backup("20261120-150000F", 1, "0/5000028", "0/5000100", 5);
        for (long s = 3; s <= 5; s++) {
            segment(1, s);
        }
        CheckService service = new CheckService(repository, Clock.fixed(T0.plus(Duration.ofHours(3)), ZoneOffset.UTC));

        CheckReport undrilled = service.run(limits(null, null, null));
        assertThat(undrilled.passed()).isTrue();
        assertThat(undrilled.warnings()).singleElement().asString().contains("no drill has proven a backup");
        assertThat(service.run(limits(null, null, Duration.ofDays(8))).problems()).singleElement().asString()
                .contains("no drill has proven a backup");

        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(600), true));
        repository.drills().record(drill("20261120-150000F", T0.plusSeconds(7200), false));
        CheckReport failed = service.run(limits(null, null, null));
        assertThat(failed.problems()).singleElement().asString()
                .contains("newest drill").contains("of backup 20261120-150000F, failed: restore: corrupt object");
        assertThat(failed.health().lastKnownGood()).isEqualTo("20261120-140000F");
        assertThat(failed.warnings()).isEmpty();
    }

    @Test
    void aScheduledJobWhoseLastRunFailedFailsTheCheck() {
        backup("20261120-140000F", 1, "0/3000028", "0/3000100", 3);
        segment(1, 3);
        JobRunLog log = new JobRunLog(repository, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
        JobRunLog.Started run = log.start("nightly-full", "backup", "cron", T0.plusSeconds(60), "host-a");
        log.finish(run, JobRun.Outcome.FAILED, null, "PostgreSQL at 127.0.0.1:5432 refused the connection");

        CheckReport report = check(null);
        assertThat(report.problems()).singleElement().asString()
                .contains("job nightly-full (backup").contains("failed: PostgreSQL at 127.0.0.1:5432 refused");
        assertThat(report.health().jobs()).singleElement().satisfies(j -> assertThat(j.outcome()).isEqualTo("failed"));
    }

    @Test
    void aMisnamedNewestSegmentIsNamedWithItsRepair() throws IOException {
        backup("20261120-140000F", 1, "0/3000028", "0/3000100", 3);
        segment(1, 3);
        Path file = temp.resolve("misnamed");
        Files.write(file, TestSegments.empty("000000010000000000000003", repository.descriptor().systemIdentifier()));
        repository.wal().push("000000010000000000000004", file, ObjectCodec.sha256(file), null); // as an unchecking Lifeboat did

        CheckReport report = check(null);

        assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                .contains("is not segment 000000010000000000000004: it holds the WAL of 000000010000000000000003")
                .contains("--replace-invalid"));
    }

    private static CheckService.Request limits(Duration backupAge, Duration archiveAge, Duration drillAge) {
        return new CheckService.Request(null, null, 64, 1L << 30, backupAge, archiveAge, drillAge);
    }

    private static DrillRecord drill(String backupId, Instant at, boolean passed) {
        return new DrillRecord(1, DrillRecord.newId(at), backupId, passed ? DrillRecord.Verdict.PASSED : DrillRecord.Verdict.FAILED,
                passed ? null : "restore: corrupt object", at, at.plusSeconds(30), "latest (all archived WAL)", 1, "0/3000148",
                passed ? new DrillRecord.VerifiedEnd("0/3000110", 1) : null, null, List.of(), List.of(), "7441", "15.18", "test", "host");
    }

    private CheckReport check(Path pgdata) {
        return new CheckService(repository).run(new CheckService.Request(pgdata, null, 64, 1L << 30));
    }

    private void backup(String id, int timeline, String startLsn, String stopLsn, long stopSegment) {
        String startWal = String.format("%08X%08X%08X", timeline, 0, Lsn.parse(startLsn).value() >>> 24);
        String stopWal = String.format("%08X%08X%08X", timeline, 0, stopSegment);
        repository.backups().write(new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, timeline,
                startLsn, stopLsn, startWal, stopWal, T0, T0.plusSeconds(5), 700, "START TIMELINE: " + timeline, null,
                new BackupManifest.Totals(0, 0, 0, 0), "test", "host", List.of(), List.of(), List.of()));
    }

    private void segment(int timeline, long number) {
        String name = String.format("%08X%08X%08X", timeline, 0, number);
        Path file = temp.resolve(name);
        try {
            Files.write(file, TestSegments.empty(name, repository.descriptor().systemIdentifier()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        repository.wal().push(name, file, ObjectCodec.sha256(file), null);
    }

    private void history(int timeline, String text) throws IOException {
        String name = String.format("%08X.history", timeline);
        Path file = temp.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        repository.wal().push(name, file, ObjectCodec.sha256(file), null);
    }
}
