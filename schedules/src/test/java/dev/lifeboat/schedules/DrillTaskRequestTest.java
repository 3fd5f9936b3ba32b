package dev.lifeboat.schedules;

import dev.lifeboat.core.pg.PgBinChoice;
import dev.lifeboat.core.drill.DrillRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrillTaskRequestTest {

    private final DrillTask.Factory drills = new DrillTask.Factory(Map.of(), new LifeboatCall(List.of("/usr/bin/lifeboat"), List.of()));

    @Test
    void aScheduledDrillRunsTheServerBinariesItsJobNamesElseThoseOfTheBackupsVersion() {
        JobDefinition named = new JobDefinition("weekly", JobKind.DRILL, null, Map.of("pg-bin", "/usr/lib/postgresql/17/bin"));
        JobDefinition searched = new JobDefinition("weekly", JobKind.DRILL, null, Map.of());

        DrillRequest withBin = drills.request(named, List.of());
        DrillRequest withoutBin = drills.request(searched, List.of());

        assertThat(withBin.pgBin()).isEqualTo(new PgBinChoice(Path.of("/usr/lib/postgresql/17/bin"), false));
        assertThat(withoutBin.pgBin()).as("LIFEBOAT_PG_BIN, else the search for the backup's major version")
                .isEqualTo(PgBinChoice.search());
    }

    @Test
    void aScheduledDrillMayDownloadTheServerOfTheBackupsVersionAndABadValueIsRefused() {
        JobDefinition downloading = new JobDefinition("weekly", JobKind.DRILL, null, Map.of("download-pg", "true"));
        JobDefinition bad = new JobDefinition("weekly", JobKind.DRILL, null, Map.of("download-pg", "yes please"));

        assertThat(drills.request(downloading, List.of()).pgBin()).isEqualTo(new PgBinChoice(null, true));
        assertThatThrownBy(() -> drills.check(bad)).hasMessageContaining("download-pg must be true or false, not 'yes please'");
    }
}
