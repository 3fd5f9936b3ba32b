package dev.lifeboat.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A scheduled expire keeps what its repository's 'retention' says, unless the job says otherwise. */
class ScheduledRepositoryRetentionTest {

    private static final String CONFIG = """
            {"expire": {"keep-full": 9, "orphan-age": "48h"},
             "repositories": [
               {"name": "eu", "uri": "/srv/lifeboat/eu", "retention": {"keep-full": 2, "pitr-window": "7d"}},
               {"name": "us", "uri": "/srv/lifeboat/us", "required": false}],
             "schedule": {"jobs": [
               {"name": "tidy-eu", "kind": "expire", "every": "6h", "repo": "/srv/lifeboat/eu"},
               {"name": "tidy-eu-strict", "kind": "expire", "every": "6h", "repo": "/srv/lifeboat/eu/", "keep-full": 1},
               {"name": "tidy-us", "kind": "expire", "every": "6h", "repo": "/srv/lifeboat/us"},
               {"name": "backup-eu", "kind": "backup", "every": "1d", "repo": "/srv/lifeboat/eu", "pgdata": "/var/lib/pg"}]}}
            """;

    @Test
    void theRepositorysRetentionBeatsTheExpireSectionAndTheJobBeatsBoth() throws Exception {
        ScheduleDefinition schedule = ScheduleConfiguration.parse(new ObjectMapper().readTree(CONFIG), Map.of(),
                TaskCatalog.standard(Map.of(), Clock.systemUTC(), new LifeboatCall(List.of("lifeboat"), List.of())));

        assertThat(ExpireTask.policy(schedule.job("tidy-eu").orElseThrow()).describe()).isEqualTo("keep 2 full, point-in-time window 7d");
        assertThat(ExpireTask.policy(schedule.job("tidy-eu-strict").orElseThrow()).describe()).isEqualTo("keep 1 full, point-in-time window 7d");
        assertThat(ExpireTask.policy(schedule.job("tidy-us").orElseThrow()).describe()).as("no retention of its own").isEqualTo("keep 9 full");
        assertThat(ExpireTask.policy(schedule.job("tidy-eu").orElseThrow()).orphanAge()).hasHours(48);
        assertThat(schedule.job("backup-eu").orElseThrow().settings()).as("only expire jobs read retention")
                .doesNotContainKey("pitr-window");
    }
}
