package dev.lifeboat.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schedule section as operators write it, and every mistake refused with one line. */
class ScheduleConfigurationTest {

    private static final String TOP = """
            {"repo": "/srv/lifeboat/main", "pgdata": "/var/lib/postgresql/15/main", "pg-port": 5433,
             "expire": {"keep-full": 3},
             "schedule": {"time-zone": "Europe/Berlin", "jobs": [%s] %s}}
            """;

    static ScheduleDefinition parse(String jobs, String rest) {
        try {
            JsonNode root = new ObjectMapper().readTree(String.format(TOP, jobs, rest));
            return ScheduleConfiguration.parse(root, Map.of(), TaskCatalog.standard(Map.of(), Clock.systemUTC(), new LifeboatCall(List.of("lifeboat"), List.of())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void jobsTakeTheirSettingsFromThemselvesThenTheirCommandsSectionThenTheTop() {
        ScheduleDefinition schedule = parse("""
                {"name": "nightly", "kind": "backup", "cron": "0 0 2 * * ?", "type": "full"},
                {"name": "tidy", "kind": "expire", "every": "6h", "pitr-window": "7d", "repo": "/srv/other"}
                """, "");

        JobDefinition nightly = schedule.job("nightly").orElseThrow();
        assertThat(nightly.timing().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(nightly.settings()).containsEntry("pgdata", "/var/lib/postgresql/15/main").containsEntry("pg-port", "5433")
                .containsEntry("repo", "/srv/lifeboat/main").doesNotContainKey("keep-full");
        JobDefinition tidy = schedule.job("tidy").orElseThrow();
        assertThat(tidy.timing().every()).isEqualTo(Duration.ofHours(6));
        assertThat(tidy.settings()).containsEntry("keep-full", "3").containsEntry("pitr-window", "7d").containsEntry("repo", "/srv/other");
        assertThat(schedule.jobStore()).isEmpty();
        assertThat(schedule.misfireThreshold()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aJobStoreMakesAClusteredSchedule() {
        ScheduleDefinition schedule = parse("{\"name\": \"n\", \"kind\": \"backup\", \"every\": \"1h\"}",
                ", \"job-store\": \"jdbc:postgresql://ops:5432/lifeboat?sslmode=require\", \"job-store-user\": \"sched\","
                        + " \"checkin-interval\": \"2s\"");
        assertThat(schedule.jobStore()).hasValueSatisfying(s -> {
            assertThat(s.user()).isEqualTo("sched");
            assertThat(s.describe()).isEqualTo("jdbc:postgresql://ops:5432/lifeboat");
            assertThat(s.tablePrefix()).isEqualTo("QRTZ_");
        });
        assertThat(schedule.checkinInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theJobStorePasswordIsUsedButTheScheduleNeverPrintsIt() {
        ScheduleDefinition schedule = parse("{\"name\": \"n\", \"kind\": \"backup\", \"every\": \"1h\"}",
                ", \"job-store\": \"jdbc:postgresql://ops:5432/lifeboat?password=url-s3cr3t\", \"job-store-password\": \"conf-s3cr3t\"");

        assertThat(schedule.jobStore()).hasValueSatisfying(s -> assertThat(s.password()).isEqualTo("conf-s3cr3t"));
        assertThat(schedule.toString()).doesNotContain("s3cr3t").contains("jdbc:postgresql://ops:5432/lifeboat");
    }

    @Test
    void aKindWithoutItsServiceIsRefusedNotIgnored() {
        TaskCatalog backupsOnly = new TaskCatalog().register(JobKind.BACKUP, TaskCatalog.standard(Map.of(), Clock.systemUTC(),
                new LifeboatCall(List.of("lifeboat"), List.of())).factory(JobKind.BACKUP));
        assertThatThrownBy(() -> backupsOnly.check(new JobDefinition("r", JobKind.REPLICATE, null, Map.of())))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .contains("schedule job 'r' is of kind 'replicate', which this Lifeboat cannot run"));
        assertRefused("{\"name\": \"r\", \"kind\": \"replicate\", \"every\": \"1h\"}", "", "no 'to' for the replication");
    }

    @Test
    void aDrillJobWithAMissingChecksFileIsRefusedAtLoad() {
        assertRefused("{\"name\": \"weekly-drill\", \"kind\": \"drill\", \"cron\": \"0 0 4 ? * SUN\", \"checks\": \"/no/such/checks.sql\"}",
                "", "/no/such/checks.sql");
    }

    @Test
    void mistakesAreRefusedWithOneLineNamingTheJob() {
        assertRefused("{\"name\": \"n\", \"kind\": \"backup\", \"cron\": \"0 0 2 * *\"}", "", "cron expression '0 0 2 * *' is invalid");
        assertRefused("{\"name\": \"n\", \"kind\": \"backup\", \"cron\": \"0 0 2 * * ?\", \"every\": \"1h\"}", "", "exactly one of");
        assertRefused("{\"name\": \"n\", \"kind\": \"backup\", \"cron\": \"0 0 2 * * ?\", \"time-zone\": \"Mars/Base\"}", "",
                "'Mars/Base' is not a time zone");
        assertRefused("{\"name\": \"n\", \"kind\": \"restore\", \"every\": \"1h\"}", "", "kind must be one of");
        assertRefused("{\"name\": \"n\", \"kind\": \"backup\", \"every\": \"1h\"}, {\"name\": \"n\", \"kind\": \"expire\", \"every\": \"1h\"}",
                "", "two schedule jobs are named 'n'");
        assertRefused("{\"name\": \"a b\", \"kind\": \"backup\", \"every\": \"1h\"}", "", "job name 'a b'");
        assertRefused("{\"name\": \"n\", \"kind\": \"expire\", \"every\": \"1h\", \"keep-full\": 0}", "", "--keep-full must be at least 1");
        assertRefused("{\"name\": \"n\", \"kind\": \"backup\", \"every\": \"1h\"}", ", \"job-store\": \"jdbc:mysql://x/y\"",
                "must be a PostgreSQL JDBC URL");
    }

    private static void assertRefused(String jobs, String rest, String message) {
        assertThatThrownBy(() -> parse(jobs, rest)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIG);
            assertThat(e.getMessage()).contains(message).doesNotContain("\n");
            assertThat(e.hint()).isNotBlank();
        });
    }
}
