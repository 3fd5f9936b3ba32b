package dev.lifeboat.core.restore;

import dev.lifeboat.core.archive.StreamedWal;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A restore point name the archive proves absent is refused before anything is restored; a
 * name the archive cannot rule out (a segment without summary, streamed WAL) is left to recovery.
 */
class UnknownRestorePointTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @TempDir
    Path temp;

    private Repository repository;

    @BeforeEach
    void aBackupAndWalWithTwoRestorePoints() throws IOException {
        repository = Repository.initialize(new InMemoryBlobStore("planner"), TestRepositoryDescriptor.standard());
        String id = "20261120-140000F";
        repository.backups().write(new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1,
                "0/2000028", "0/2000100", "000000010000000000000002", "000000010000000000000002", T0, T0.plusSeconds(10), 700,
                "START TIMELINE: 1", null, new BackupManifest.Totals(0, 0, 0, 0), "test", "host", List.of(), List.of(), List.of()));
        segment(2, List.of());
        segment(3, List.of(new WalSummary.RestorePoint("before_migration", "0/3000200", T0.plusSeconds(60))));
        segment(4, List.of(new WalSummary.RestorePoint("nightly", "0/4000200", T0.plusSeconds(120))));
    }

    @Test
    void aNameTheSummariesProveAbsentIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> new RestorePlanner(repository).plan(new RecoveryTarget.Name("before_migraton"), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET);
                    assertThat(e.getMessage()).contains("no restore point named 'before_migraton'");
                    assertThat(e.hint()).contains("newest first: nightly, before_migration");
                });
    }

    @Test
    void aKnownNameStillPlans() {
        RestorePlan plan = new RestorePlanner(repository).plan(new RecoveryTarget.Name("nightly"), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-140000F");
    }

    @Test
    void aSegmentWithoutSummaryMayHoldIt() throws IOException {
        segmentWithoutSummary(5);
        RestorePlan plan = new RestorePlanner(repository).plan(new RecoveryTarget.Name("elsewhere"), null, null);
        assertThat(plan.notes()).anyMatch(n -> n.contains("was not found in the WAL summaries"));
    }

    @Test
    void streamedWalBeyondTheArchiveMayHoldIt() throws IOException {
        Path partial = temp.resolve("partial");
        Files.write(partial, new byte[8192]);
        StreamedWal.of(repository).store("000000010000000000000005", partial, 8192, "0/5002000");
        RestorePlan plan = new RestorePlanner(repository).plan(new RecoveryTarget.Name("in_the_stream"), null, null);
        assertThat(plan.notes()).anyMatch(n -> n.contains("was not found in the WAL summaries"));
    }

    private void segment(long number, List<WalSummary.RestorePoint> points) throws IOException {
        Instant t = T0.plusSeconds(60 * number);
        push(number, new WalSummary(t, t, 1, 700L + number, 700L + number, points,
                new Lsn(number * (16L << 20) + (16L << 20) - 8).toString()));
    }

    private void segmentWithoutSummary(long number) throws IOException {
        push(number, null);
    }

    private void push(long number, WalSummary summary) throws IOException {
        String name = String.format("%08X%08X%08X", 1, 0, number);
        Path file = temp.resolve(name);
        Files.writeString(file, "segment " + name);
        repository.wal().push(name, file, ObjectCodec.sha256(file), summary);
    }
}
