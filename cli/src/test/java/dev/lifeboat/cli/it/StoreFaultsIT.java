package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.storage.s3.FaultInjectingProxy;
import dev.lifeboat.storage.s3.FaultInjectingProxy.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static dev.lifeboat.storage.s3.LocalS3Server.US_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix, end to end through bin/lifeboat: a required region (eu) and one that is not
 * (us), each behind a proxy that fails requests on demand. Every fault ends either in success
 * after retries, with the segment whole in the store, or in a one-line error naming the store
 * and the cause; wal-push never exits 0 for a segment that a required region does not hold.
 */
class StoreFaultsIT {

    private static final String PREFIX = "faults/" + UUID.randomUUID();
    private static final Predicate<FaultInjectingProxy.Request> PUT = r -> r.method().equals("PUT");

    private static S3Regions regions;
    private static FaultInjectingProxy eu;
    private static FaultInjectingProxy us;
    private static ScratchDirectory scratch;
    private static LocalCluster cluster;
    private static Path config;
    private static final List<Path> segments = new ArrayList<>();
    private static int nextSegment;

    @BeforeAll
    static void twoRegionsBehindProxiesAndSomeRealSegments() throws IOException {
        regions = S3Regions.start();
        eu = FaultInjectingProxy.start(regions.server().endpoint());
        us = FaultInjectingProxy.start(regions.server().endpoint());
        scratch = ScratchDirectory.create("lifeboat-faults-");
        // Short timeouts, so that a stalled request is given up on (and retried) within seconds.
        config = ConfiguredCluster.writeConfig(scratch.resolve("lifeboat.yaml"), "repositories:\n"
                + "  - name: eu\n    uri: '" + regions.uri(eu.endpoint(), EU_BUCKET, PREFIX, "timeout=2s") + "'\n"
                + "  - name: us\n    uri: '" + regions.uri(us.endpoint(), US_BUCKET, PREFIX, "timeout=2s") + "'\n"
                + "    required: false\n");
        cluster = TestClusters.builder().baseDirectory(scratch.resolve("source")).start();
        Lifeboat.Run init = lifeboat("init", "--pgdata", cluster.dataDirectory().toString(), "--pg-port", Integer.toString(cluster.port()));
        assertThat(init.exitCode()).as(init.toString()).isZero();
        Path copies = Files.createDirectories(scratch.resolve("segments"));
        for (int i = 0; i < 10; i++) {
            ClusterSql.execute(cluster, "CREATE TABLE t" + i + " AS SELECT g FROM generate_series(1, 1000) g");
            String segment = ClusterSql.queryForString(cluster, "SELECT pg_walfile_name(pg_current_wal_lsn())");
            ClusterSql.execute(cluster, "SELECT pg_switch_wal()");
            segments.add(Files.copy(cluster.dataDirectory().resolve("pg_wal").resolve(segment), copies.resolve(segment)));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        eu.close();
        us.close();
        regions.close();
        scratch.close();
    }

    @AfterEach
    void noFaultLeftOver() {
        assertThat(eu.faultsPending()).as("faults left on eu").isZero();
        assertThat(us.faultsPending()).as("faults left on us").isZero();
    }

    @Test
    void aBurstOf503sIsRiddenOut() throws IOException {
        Path segment = nextSegment();
        eu.failNext(3, Fault.SERVICE_UNAVAILABLE, PUT);

        assertPushed(lifeboat("wal-push", segment.toString()), segment);
    }

    @Test
    void aConnectionResetMidUploadIsRetriedAndLeavesOneWholeObject() throws IOException {
        Path segment = nextSegment();
        eu.failNext(1, Fault.RESET_MID_REQUEST, PUT);

        assertPushed(lifeboat("wal-push", segment.toString()), segment);
    }

    @Test
    void aStalledRequestIsGivenUpOnAndRetried() throws IOException {
        Path segment = nextSegment();
        eu.failNext(1, Fault.STALL, PUT);

        assertPushed(lifeboat("wal-push", segment.toString()), segment);
    }

    @Test
    void aReplyLostAfterTheStoreActedIsRecognisedOnRetry() throws IOException {
        Path segment = nextSegment();
        eu.failNext(1, Fault.LOSE_REPLY, PUT);

        assertPushed(lifeboat("wal-push", segment.toString()), segment);
    }

    @Test
    void aRequiredRegionThatKeepsFailingFailsThePushAndHoldsNothing() {
        Path segment = nextSegment();
        eu.failNext(100, Fault.SERVICE_UNAVAILABLE, PUT);

        Lifeboat.Run push = lifeboat("wal-push", segment.toString());
        eu.clearFaults();

        BadInputIT.assertFailure(push, 8, "repository eu", "retry");
        assertThat(push.stderrLines().get(0)).contains("s3://" + EU_BUCKET).contains("503").contains("gave up after 5 attempts");
        assertThat(regions.hasKeyStartingWith(EU_BUCKET, PREFIX, walKey(segment))).isFalse();
    }

    @Test
    void wrongCredentialsAreOneLineNamingTheStore() {
        Path segment = nextSegment();
        Map<String, String> env = new HashMap<>(regions.env());
        env.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");

        Lifeboat.Run push = Lifeboat.run(env, "wal-push", "--config", config.toString(), segment.toString());

        BadInputIT.assertFailure(push, 8, "access denied", "credentials");
        assertThat(push.stderr()).contains("s3://" + EU_BUCKET).doesNotContain("not-the-secret");
        assertThat(regions.hasKeyStartingWith(EU_BUCKET, PREFIX, walKey(segment))).isFalse();
    }

    @Test
    void aMissingBucketIsOneLineNamingIt() {
        Path segment = nextSegment();

        Lifeboat.Run push = Lifeboat.run(regions.env(), "wal-push", "--repo", regions.uri("lifeboat-gone", PREFIX), segment.toString());

        BadInputIT.assertFailure(push, 8, "bucket 'lifeboat-gone' does not exist", "");
    }

    @Test
    void aWrongRegionIsOneLineNamingTheRightOne() {
        Path segment = nextSegment();
        eu.failNext(1000, Fault.WRONG_REGION);

        Lifeboat.Run push = Lifeboat.run(regions.env(), "wal-push", "--repo", regions.uri(eu.endpoint(), EU_BUCKET, PREFIX),
                segment.toString());
        eu.clearFaults();

        BadInputIT.assertFailure(push, 8, "region=" + FaultInjectingProxy.EXPECTED_REGION, "");
    }

    @Test
    void aRegionThatIsNotRequiredAndDownGetsTheSegmentQueuedThenReplicated() throws IOException {
        Path segment = nextSegment();
        us.failNext(1000, Fault.SERVICE_UNAVAILABLE, PUT);

        Lifeboat.Run push = lifeboat("wal-push", segment.toString());
        us.clearFaults();

        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(push.stderr()).contains("lifeboat: warning: " + segment.getFileName() + " queued for repository us in repository eu");
        assertThat(regions.hasKeyStartingWith(US_BUCKET, PREFIX, walKey(segment))).isFalse();
        assertThat(regions.hasKeyStartingWith(EU_BUCKET, PREFIX, "queue/us/wal/" + segment.getFileName())).isTrue();

        Lifeboat.Run replicate = lifeboat("replicate", "--from", "eu", "--to", "us");

        assertThat(replicate.exitCode()).as(replicate.toString()).isZero();
        assertThat(regions.hasKeyStartingWith(US_BUCKET, PREFIX, walKey(segment))).isTrue();
        assertThat(regions.hasKeyStartingWith(EU_BUCKET, PREFIX, "queue/us/wal/")).as("queue emptied").isFalse();
    }

    @Test
    void walFetchPassesOverAFailingRegionButNeverCallsAnOutageNotFound() throws IOException {
        Path segment = nextSegment();
        assertThat(lifeboat("wal-push", segment.toString()).exitCode()).isZero();
        String name = segment.getFileName().toString();
        Path destination = scratch.resolve("fetched-" + name);

        eu.failNext(1000, Fault.SERVICE_UNAVAILABLE);
        Lifeboat.Run fetched = lifeboat("wal-fetch", name, destination.toString());
        Lifeboat.Run missing = lifeboat("wal-fetch", "0000000100000000000000FF", scratch.resolve("nothing").toString());
        eu.clearFaults();

        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        assertThat(fetched.stderr()).contains("fetched from repository us; passed over eu: ");
        assertThat(Files.mismatch(destination, segment)).isEqualTo(-1);
        // us has no such file, but eu could not answer: recovery must stop, not end here.
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(128);
        assertThat(missing.stderr()).contains("was not delivered").contains("eu: ");
    }

    /** Exit 0, and exactly one object for the segment in eu, which decodes to the very same bytes. */
    private static void assertPushed(Lifeboat.Run push, Path segment) throws IOException {
        assertThat(push.exitCode()).as(push.toString()).isZero();
        List<String> stored = regions.objects(EU_BUCKET, PREFIX).keySet().stream().filter(k -> k.startsWith(walKey(segment))).toList();
        assertThat(stored).hasSize(1);
        byte[] object = regions.read(EU_BUCKET, PREFIX, stored.get(0));
        try (InputStream plain = new ObjectCodec(ObjectCodec.DEFAULT_LEVEL).decode(new ByteArrayInputStream(object), stored.get(0))) {
            assertThat(plain.readAllBytes()).isEqualTo(Files.readAllBytes(segment));
        }
    }

    private static Lifeboat.Run lifeboat(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--config", config.toString()));
        all.addAll(List.of(args));
        return Lifeboat.run(regions.env(), all.toArray(String[]::new));
    }

    private static synchronized Path nextSegment() {
        return segments.get(nextSegment++);
    }

    private static String walKey(Path segment) {
        String name = segment.getFileName().toString();
        return "wal/" + name.substring(0, 8) + "/" + name.substring(0, 16) + "/" + name + "-";
    }
}
