package dev.lifeboat.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A scheduled job opens its stores with the store settings a command would use, read from the
 * same configuration keys (max-rate, request-timeout, log-requests): at the top of the file,
 * in the command's section, or in the job.
 */
class ScheduledStoreSettingsTest {

    private static final int OBJECT_BYTES = 300_000;
    private static final LifeboatCall LIFEBOAT = new LifeboatCall(List.of("lifeboat"), List.of());

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final JobEvents events = new JobEvents() {
        @Override
        public void storeRequest(JobDefinition job, String line) {
            requests.add(line);
        }
    };

    @BeforeEach
    void repository() {
        InMemoryBlobStore.forgetAllNamed();
        InMemoryBlobStore store = InMemoryBlobStore.named("scheduled");
        Repository.initialize(store, new RepositoryDescriptor(1, "7441", 15, "15.18", 16 << 20,
                new RepositoryDescriptor.Compression("zstd", 1), "none", Instant.now(), "test"));
        store.put("big-object", BlobContent.of(new byte[OBJECT_BYTES]), PutMode.CREATE_ONLY);
    }

    @AfterEach
    void forget() {
        InMemoryBlobStore.forgetAllNamed();
    }

    @Test
    void theMaxRateOfTheConfigurationFileHoldsAScheduledJobsRepositoryToThatRate() throws Exception {
        JobRunner runner = runner("""
                {"repo": "mem://scheduled", "max-rate": "100KB/s",
                 "schedule": {"jobs": [{"name": "read-all", "kind": "verify", "every": "1h"}]}}
                """, readingTask());

        long started = System.nanoTime();
        runner.runOrThrow("read-all", "now", "test");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // 300 kB at 100 kB/s: about three seconds; unlimited, an in-memory read takes milliseconds
        assertThat(took).as("reading %d bytes through the job's repository store", OBJECT_BYTES).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void withoutAMaxRateTheSameJobReadsAtFullSpeed() throws Exception {
        JobRunner runner = runner("""
                {"repo": "mem://scheduled", "schedule": {"jobs": [{"name": "read-all", "kind": "verify", "every": "1h"}]}}
                """, readingTask());

        long started = System.nanoTime();
        runner.runOrThrow("read-all", "now", "test");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aScheduledReplicateOpensItsTargetWithTheSameSettingsAsItsRepository() throws Exception {
        String config = """
                {"repo": "mem://scheduled", "replicate": {"log-requests": true},
                 "schedule": {"jobs": [{"name": "to-us", "kind": "replicate", "every": "1h", "to": "mem://us"}]}}
                """;
        ScheduleDefinition schedule = ScheduleConfiguration.parse(new ObjectMapper().readTree(config), Map.of(),
                TaskCatalog.standard(Map.of(), Clock.systemUTC(), LIFEBOAT));
        JobRunner runner = new JobRunner(schedule, TaskCatalog.standard(Map.of(), Clock.systemUTC(), LIFEBOAT), Clock.systemUTC(), events);

        runner.runOrThrow("to-us", "now", "test");

        assertThat(requests).as("the request log that the replicate section's log-requests asks for")
                .anySatisfy(line -> assertThat(line).startsWith("store GET mem://scheduled "))
                .anySatisfy(line -> assertThat(line).startsWith("store PUT mem://us "));
    }

    @Test
    void aJobsRequestTimeoutIsTheTimeoutItsStoresGet() throws Exception {
        ScheduleDefinition schedule = parse("""
                {"repo": "mem://scheduled", "request-timeout": 30,
                 "schedule": {"jobs": [{"name": "plain", "kind": "verify", "every": "1h"},
                                       {"name": "patient", "kind": "verify", "every": "1h", "request-timeout": "10m"}]}}
                """, new VerifyTask.Factory());

        assertThat(JobStorage.settings(schedule.job("plain").orElseThrow(), null).requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(JobStorage.settings(schedule.job("patient").orElseThrow(), null).requestTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aMaxRateThatIsNoRateIsRefusedWhenTheScheduleIsRead() {
        assertThatThrownBy(() -> parse("""
                {"repo": "mem://scheduled", "schedule": {"jobs": [{"name": "fast", "kind": "verify", "every": "1h", "max-rate": "fast"}]}}
                """, new VerifyTask.Factory()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG);
                    assertThat(e.getMessage()).contains("schedule job 'fast'").contains("'fast'");
                });
    }

    /** A task that reads the big object through the store the job's repository was opened with. */
    private static TaskCatalog.Factory readingTask() {
        return new TaskCatalog.Factory() {
            @Override
            public void check(JobDefinition job) {
            }

            @Override
            public ScheduledTask create(JobDefinition job) {
                return repository -> {
                    try (InputStream in = repository.store().get("big-object")) {
                        return in.readAllBytes().length + " bytes read";
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
            }
        };
    }

    private JobRunner runner(String config, TaskCatalog.Factory factory) throws Exception {
        return new JobRunner(parse(config, factory), new TaskCatalog().register(JobKind.VERIFY, factory), Clock.systemUTC(), events);
    }

    private static ScheduleDefinition parse(String config, TaskCatalog.Factory factory) throws Exception {
        return ScheduleConfiguration.parse(new ObjectMapper().readTree(config), Map.of(),
                new TaskCatalog().register(JobKind.VERIFY, factory));
    }
}
