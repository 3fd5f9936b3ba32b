package dev.lifeboat.schedules;

import dev.lifeboat.core.drill.DrillRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DrillTaskRequestTest {

    private final DrillTask.Factory drills = new DrillTask.Factory(Map.of(), new LifeboatCall(List.of("/usr/bin/lifeboat"), List.of()));

    @Test
    void aScheduledDrillRunsTheServerBinariesItsJobNamesElseThoseOfTheBackupsVersion() {
        JobDefinition named = new JobDefinition("weekly", JobKind.DRILL, null, Map.of("pg-bin", "/usr/lib/postgresql/17/bin"));
        JobDefinition searched = new JobDefinition("weekly", JobKind.DRILL, null, Map.of());

        DrillRequest withBin = drills.request(named, List.of());
        DrillRequest withoutBin = drills.request(searched, List.of());

        assertThat(withBin.pgBin()).isEqualTo(Path.of("/usr/lib/postgresql/17/bin"));
        assertThat(withoutBin.pgBin()).as("LIFEBOAT_PG_BIN, else the search for the backup's major version").isNull();
    }
}
