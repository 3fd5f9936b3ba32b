package dev.lifeboat.schedules;

import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrontabPlanTest {

    /** One crontab time field: *, a number, a range, lists of them, each with an optional step. */
    private static final Pattern FIELD = Pattern.compile("(\\*|\\d+(-\\d+)?)(/\\d+)?(,(\\*|\\d+(-\\d+)?)(/\\d+)?)*");
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

    @Test
    void quartzExpressionsBecomeFiveFieldLinesWithTheSameMeaning() {
        assertThat(fields("0 30 2 * * ?")).isEqualTo("30 2 * * *");
        assertThat(fields("0 0 4 ? * SUN")).isEqualTo("0 4 * * 0");
        assertThat(fields("0 0 4 ? * MON-FRI")).isEqualTo("0 4 * * 1-5");
        assertThat(fields("0 0 4 ? * 2,7")).isEqualTo("0 4 * * 1,6");        // Quartz 1 = Sunday, cron 0 = Sunday
        assertThat(fields("0 0/15 * * * ?")).isEqualTo("0-59/15 * * * *");
        assertThat(fields("0 0 1 1 JAN,JUL ? *")).isEqualTo("0 1 1 1,7 *");
        assertThat(every(Duration.ofMinutes(5))).isEqualTo("*/5 * * * *");
        assertThat(every(Duration.ofHours(6))).isEqualTo("0 */6 * * *");
        assertThat(every(Duration.ofDays(1))).isEqualTo("0 0 * * *");
    }

    @Test
    void whatCronCannotExpressIsRefusedWithTheReason() {
        assertRefused(() -> fields("*/5 * * * * ?"), "runs at second '*/5'");
        assertRefused(() -> fields("0 0 2 L * ?"), "'L'");
        assertRefused(() -> fields("0 0 2 ? * 6#3"), "'6#3'");
        assertRefused(() -> fields("0 0 2 * * ? 2027"), "year");
        assertRefused(() -> every(Duration.ofMinutes(7)), "every 7m");
        assertRefused(() -> every(Duration.ofSeconds(30)), "every 30s");
        JobDefinition berlin = job(new JobTiming("0 0 2 * * ?", ZoneId.of("Europe/Berlin"), null));
        assertRefused(() -> CrontabPlan.fields(berlin, ZoneOffset.UTC), "time zone Europe/Berlin");
    }

    @Test
    void everyLineParsesAsACrontabLineAndRunsItsJobUnderALock() {
        ScheduleDefinition schedule = new ScheduleDefinition(List.of(
                job("nightly", new JobTiming("0 0 2 * * ?", ZoneOffset.UTC, null)),
                job("tidy", new JobTiming(null, null, Duration.ofHours(6)))), Optional.empty(), 1, Duration.ofSeconds(5), Duration.ofSeconds(60));

        List<CrontabPlan.Line> lines = CrontabPlan.of(schedule, List.of("/opt/lifeboat/bin/lifeboat"), "/etc/lifeboat/my 100%.yaml",
                ZoneOffset.UTC);

        assertThat(lines).hasSize(2);
        for (CrontabPlan.Line line : lines) {
            assertValidCrontabLine(line.text());
        }
        assertThat(lines.get(0).text()).isEqualTo("0 2 * * * flock -n /run/lock/lifeboat-nightly.lock /opt/lifeboat/bin/lifeboat"
                + " schedule exec nightly --config '/etc/lifeboat/my 100\\%.yaml'");
    }

    static void assertValidCrontabLine(String line) {
        String[] parts = line.split("\\s+", 6);
        assertThat(parts).as(line).hasSize(6);
        for (int i = 0; i < 5; i++) {
            assertThat(parts[i]).as("field %d of %s", i + 1, line).matches(FIELD);
            for (String number : parts[i].split("[^0-9]+")) {
                if (!number.isEmpty() && !parts[i].contains("/" + number)) {
                    assertThat(Integer.parseInt(number)).as("field %d of %s", i + 1, line).isBetween(RANGES[i][0], RANGES[i][1]);
                }
            }
        }
        assertThat(parts[5]).startsWith("flock -n /run/lock/lifeboat-");
        assertThat(parts[5].replace("\\%", "")).doesNotContain("%");
    }

    private static String fields(String cron) {
        return CrontabPlan.fields(job(new JobTiming(cron, ZoneOffset.UTC, null)), ZoneOffset.UTC);
    }

    private static String every(Duration d) {
        return CrontabPlan.fields(job(new JobTiming(null, null, d)), ZoneOffset.UTC);
    }

    private static JobDefinition job(JobTiming timing) {
        return job("j", timing);
    }

    private static JobDefinition job(String name, JobTiming timing) {
        return new JobDefinition(name, JobKind.BACKUP, timing, Map.of("repo", "/srv/r"));
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(LifeboatException.class).hasMessageContaining(message);
    }
}
