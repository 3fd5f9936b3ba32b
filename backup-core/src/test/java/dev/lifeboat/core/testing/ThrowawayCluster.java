package dev.lifeboat.core.testing;

import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.ScratchDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension giving a test class a started throwaway PostgreSQL cluster, stopped and
 * deleted afterwards. On a {@code static} field it lives for the whole class; on an instance
 * field, for each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ThrowawayCluster pg = ThrowawayCluster.archivingToDirectory()
 *         .with(builder -> builder.environment(Map.of("LIFEBOAT_JAR", jar)));
 *
 * @Test
 * void backsUp() {
 *     ClusterSql.execute(pg.cluster(), "CREATE TABLE t AS SELECT 1 AS id");
 *     ... pg.cluster().jdbcUrl() ... pg.archiveDirectory() ...
 * }
 * }</pre>
 *
 * <p>The cluster has the {@link TestClusters#builder() test defaults}. Its files live in a
 * world-traversable scratch directory: {@code cluster/} (the cluster's base directory) and,
 * with {@link #archivingToDirectory()}, {@code archive/}.
 */
public final class ThrowawayCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final boolean archiveToDirectory;
    private final List<Consumer<LocalCluster.Builder>> customizers = new ArrayList<>();
    private ScratchDirectory scratch;
    private LocalCluster cluster;
    private boolean perClass;

    private ThrowawayCluster(boolean archiveToDirectory) {
        this.archiveToDirectory = archiveToDirectory;
    }

    /** A cluster whose archive_command is 'true': WAL counts as archived and is recycled. */
    public static ThrowawayCluster create() {
        return new ThrowawayCluster(false);
    }

    /** A cluster that archives each WAL segment into {@link #archiveDirectory()} with cp. */
    public static ThrowawayCluster archivingToDirectory() {
        return new ThrowawayCluster(true);
    }

    /** Changes the cluster's options before it starts (an archive_command, settings, environment). */
    public ThrowawayCluster with(Consumer<LocalCluster.Builder> customizer) {
        customizers.add(customizer);
        return this;
    }

    /** The started cluster. */
    public LocalCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster starts before each test (is the field annotated with @RegisterExtension?)");
        }
        return cluster;
    }

    /** Where WAL segments are archived ({@link #archivingToDirectory()} only). */
    public Path archiveDirectory() {
        if (!archiveToDirectory) {
            throw new IllegalStateException("this cluster does not archive to a directory: use ThrowawayCluster.archivingToDirectory()");
        }
        return scratch.resolve("archive");
    }

    /** The scratch directory holding the cluster (and the archive): the test may add files. */
    public Path scratchDirectory() {
        return scratch.path();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        scratch = ScratchDirectory.create("lifeboat-test-");
        try {
            LocalCluster.Builder builder = TestClusters.builder().baseDirectory(scratch.resolve("cluster"));
            if (archiveToDirectory) {
                Path archive = Files.createDirectory(scratch.resolve("archive"));
                TestClusters.serverUser().handOver(archive);
                // Refuses to overwrite, as a real archive_command must, and renames a complete
                // copy into place, so that a test never sees half a segment.
                String dir = "'" + archive + "'";
                builder.archiveCommand("test ! -f " + dir + "/%f && cp %p " + dir + "/%f.tmp && mv "
                        + dir + "/%f.tmp " + dir + "/%f");
            }
            customizers.forEach(customizer -> customizer.accept(builder));
            cluster = builder.start();
        } catch (IOException e) {
            scratch.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    private void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            cluster = null;
            if (scratch != null) {
                scratch.close();
            }
        }
    }
}
