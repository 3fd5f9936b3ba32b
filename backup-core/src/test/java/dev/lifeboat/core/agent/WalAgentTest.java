package dev.lifeboat.core.agent;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's side of the launcher protocol, against a data directory made of plain files:
 * what it vouches for, what it answers, and how it stops.
 */
class WalAgentTest {

    private static final String FIRST = "000000010000000000000001";
    private static final String SECOND = "000000010000000000000002";

    @TempDir
    Path pgdata;

    private Path walDirectory;
    private Path agentDirectory;
    private final RecordingDestination destination = new RecordingDestination();
    private WalAgent agent;

    @BeforeEach
    void dataDirectory() throws IOException {
        walDirectory = Files.createDirectories(pgdata.resolve("pg_wal"));
        Files.createDirectories(walDirectory.resolve("archive_status"));
        agentDirectory = walDirectory.resolve(".lifeboat/push");
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void aReadyFileIsStoredOnceAndVouchedForWithTheIdentityStatPrints() throws Exception {
        Path file = segment(FIRST, "the first segment");
        ready(FIRST);
        start();

        Path marker = agentDirectory.resolve("stored").resolve(FIRST);
        await(() -> Files.exists(marker));
        String stat = statIdentity(file);
        assertThat(Files.readString(marker).strip()).isEqualTo(stat + " " + ObjectCodec.sha256(file));
        assertThat(Files.readString(agentDirectory.resolve("repository")).strip()).isEqualTo(destination.location());

        Thread.sleep(100); // the file stays ready until PostgreSQL's own call: it is not pushed again
        assertThat(destination.pushes).containsExactly(FIRST);
        assertThat(agent.status().stored()).isEqualTo(1);
    }

    @Test
    void aRequestForAFileNotYetReadyIsStoredAndTheRequestRemoved() throws Exception {
        segment(SECOND, "asked for before it was marked ready");
        start();
        Path request = request(SECOND);

        await(() -> Files.exists(agentDirectory.resolve("stored").resolve(SECOND)));
        await(() -> !Files.exists(request));
        assertThat(destination.stored).containsKey(SECOND);
    }

    @Test
    void aRequestThatCannotBeStoredIsAnsweredSoThatTheLauncherFallsBack() throws Exception {
        segment(FIRST, "the store is down");
        destination.failing.add(FIRST);
        start();
        request(FIRST);

        Path failed = agentDirectory.resolve("failed").resolve(FIRST);
        await(() -> Files.exists(failed));
        assertThat(Files.readString(failed)).contains("the store is down");
        assertThat(agentDirectory.resolve("stored").resolve(FIRST)).doesNotExist();
        await(() -> !Files.exists(agentDirectory.resolve("requests").resolve(FIRST)));
    }

    @Test
    void afterAnOutageWhatFailedIsStoredAsSoonAsTheStoreWorksAgainNotAfterItsBackOff() throws Exception {
        segment(FIRST, "failed during the outage");
        ready(FIRST);
        destination.failing.add(FIRST);
        start();
        await(() -> destination.pushes.contains(FIRST));
        destination.failing.clear();

        segment(SECOND, "written after the store came back");
        ready(SECOND);
        long since = System.nanoTime();
        await(() -> destination.stored.containsKey(FIRST));
        assertThat(Duration.ofNanos(System.nanoTime() - since)).as("well within the 5 s back-off").isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aFileThatChangedAfterItWasStoredIsNeverVouchedForAgain() throws Exception {
        Path file = segment(FIRST, "what was stored");
        ready(FIRST);
        start();
        Path marker = agentDirectory.resolve("stored").resolve(FIRST);
        await(() -> Files.exists(marker));

        Files.writeString(file, "other bytes, same name", StandardCharsets.UTF_8);
        assertThat(Files.readString(marker)).doesNotStartWith(statIdentity(file) + " ");
        request(FIRST); // what the launcher does when the identity differs

        Path failed = agentDirectory.resolve("failed").resolve(FIRST);
        await(() -> Files.exists(failed));
        assertThat(Files.readString(failed)).contains("different content");
        assertThat(marker).doesNotExist();
        assertThat(destination.stored.get(FIRST)).isEqualTo(ObjectCodec.sha256("what was stored".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void stoppingTellsLaunchersAtOnceAndFinishesThePushUnderWay() throws Exception {
        segment(FIRST, "slow to store");
        ready(FIRST);
        destination.hold = new CountDownLatch(1);
        destination.started = new CountDownLatch(1);
        start();
        assertThat(destination.started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(agentDirectory.resolve("heartbeat")).exists();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(agent::close);
        await(() -> !Files.exists(agentDirectory.resolve("heartbeat")));
        assertThat(stopping).isNotDone();
        destination.hold.countDown();
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(agentDirectory.resolve("stored").resolve(FIRST)).exists();
    }

    @Test
    void aSecondAgentForTheSameDataDirectoryIsRefused() {
        start();
        assertThatThrownBy(() -> WalAgent.start(new AgentSettings(pgdata, 1, Duration.ofMillis(5), null), destination,
                AgentListener.NONE)).isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("another lifeboat agent runs for");
                });
        assertThat(agentDirectory.resolve("heartbeat")).as("the first one is untouched").exists();
    }

    private void start() {
        agent = WalAgent.start(new AgentSettings(pgdata, 2, Duration.ofMillis(5), null), destination, AgentListener.NONE);
    }

    private Path segment(String name, String content) throws IOException {
        return Files.writeString(walDirectory.resolve(name), content, StandardCharsets.UTF_8);
    }

    private void ready(String name) throws IOException {
        Files.createFile(walDirectory.resolve("archive_status").resolve(name + ".ready"));
    }

    private Path request(String name) throws IOException {
        return Files.createFile(agentDirectory.resolve("requests").resolve(name));
    }

    /** Exactly what bin/lifeboat compares: GNU stat's size, inode and change time. */
    static String statIdentity(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%s %i %.9Z", "--", file.toString()).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(stat.waitFor()).as(out).isZero();
        return out;
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
