package dev.lifeboat.core.repo;

import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrillCatalogTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    private final InMemoryBlobStore store = new InMemoryBlobStore("drills");
    private final Repository repository = Repository.initialize(store, TestRepositoryDescriptor.standard());

    @Test
    void aDrillIsStoredOnceUnderItsBackupAndReadBackWhole() {
        DrillRecord drill = drill("20261120-140000F", T0.plusSeconds(60), true);
        String key = repository.drills().record(drill);

        assertThat(key).isEqualTo("drills/20261120-140000F/" + drill.id() + ".json.zst");
        assertThat(repository.drills().latest("20261120-140000F")).contains(drill);
        assertThatThrownBy(() -> repository.drills().record(drill))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.ALREADY_EXISTS));
    }

    @Test
    void theLatestVerdictOfABackupIsItsNewestDrill() {
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(60), true));
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(120), false));
        repository.drills().record(drill("20261120-150000F", T0.plusSeconds(180), true));

        assertThat(repository.drills().latestVerdicts())
                .hasEntrySatisfying("20261120-140000F", d -> assertThat(d.verdict()).isEqualTo(DrillRecord.Verdict.FAILED))
                .hasEntrySatisfying("20261120-150000F", d -> assertThat(d.verdict()).isEqualTo(DrillRecord.Verdict.PASSED));
        assertThat(repository.drills().history("20261120-140000F")).extracting(DrillRecord::verdict)
                .containsExactly(DrillRecord.Verdict.PASSED, DrillRecord.Verdict.FAILED);
    }

    @Test
    void theNewestKnownGoodBackupSkipsNewerBackupsWithoutAPassingDrill() {
        backup("20261120-140000F", "0/2000100");
        backup("20261120-150000F", "0/5000100");
        backup("20261120-160000F", "0/7000100");
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(60), true));
        repository.drills().record(drill("20261120-150000F", T0.plusSeconds(120), true));
        repository.drills().record(drill("20261120-150000F", T0.plusSeconds(180), false));

        assertThat(repository.drills().newestKnownGood()).hasValueSatisfying(k -> assertThat(k.backup().id()).isEqualTo("20261120-140000F"));

        repository.drills().record(drill("20261120-160000F", T0.plusSeconds(240), true));
        assertThat(repository.drills().newestKnownGood()).hasValueSatisfying(k -> assertThat(k.backup().id()).isEqualTo("20261120-160000F"));
    }

    @Test
    void anUnreadableNewestDrillCountsAsFailed() {
        backup("20261120-140000F", "0/2000100");
        repository.drills().record(drill("20261120-140000F", T0.plusSeconds(60), true));
        String damaged = RepositoryLayout.drill("20261120-140000F", DrillRecord.newId(T0.plusSeconds(120)));
        store.put(damaged, BlobContent.of(new byte[]{1, 2, 3}), PutMode.CREATE_ONLY);

        assertThat(repository.drills().latest("20261120-140000F")).hasValueSatisfying(d -> {
            assertThat(d.passed()).isFalse();
            assertThat(d.failure()).contains(damaged).contains("unreadable");
        });
        assertThat(repository.drills().newestKnownGood()).isEmpty();
    }

    @Test
    void drillIdsSortByStartAndDifferWithinAMillisecond() {
        String a = DrillRecord.newId(T0);
        assertThat(DrillRecord.isValidId(a)).isTrue();
        assertThat(a).startsWith("20261120-140000.000-");
        assertThat(DrillRecord.newId(T0.plusMillis(1))).isGreaterThan(a.substring(0, 19));
        assertThat(RepositoryLayout.backupIdOfDrill("drills/20261120-140000F/" + a + ".json.zst")).isEqualTo("20261120-140000F");
        assertThat(RepositoryLayout.backupIdOfDrill("drills/20261120-140000F/garbage.json.zst")).isNull();
    }

    private void backup(String id, String stopLsn) {
        repository.backups().write(new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1, "0/2000028",
                stopLsn, "000000010000000000000002", "000000010000000000000007", T0, T0.plusSeconds(5), 700, "label", null,
                new BackupManifest.Totals(0, 0, 0, 0), "test", "host", List.of(), List.of(), List.of()));
    }

    private static DrillRecord drill(String backupId, Instant at, boolean passed) {
        return new DrillRecord(1, DrillRecord.newId(at), backupId, passed ? DrillRecord.Verdict.PASSED : DrillRecord.Verdict.FAILED,
                passed ? null : "restore: corrupt object", at, at.plusSeconds(30), "latest (all archived WAL)", 1, "0/3000148",
                passed ? new DrillRecord.VerifiedEnd("0/3000110", 1) : null,
                new DrillRecord.Timings(Duration.ofMillis(5), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(2), Duration.ofMillis(4005), Duration.ofSeconds(1), Duration.ofSeconds(6)),
                List.of(new DrillRecord.Check("restore", DrillRecord.Check.BUILT_IN,
                        passed ? DrillRecord.CheckVerdict.PASSED : DrillRecord.CheckVerdict.FAILED, "detail", null, null, Duration.ofSeconds(2))),
                List.of(new DrillRecord.TableRows("postgres", "public.orders", 42)), "7441", "15.18", "test", "host");
    }
}
