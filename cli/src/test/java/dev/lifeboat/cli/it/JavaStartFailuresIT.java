package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * archive_command and restore_command when Java cannot do Lifeboat's work: the temporary
 * directory cannot hold zstd-jni's native library, or the jar is damaged. PostgreSQL's log gets
 * one line and a hint, never a stack trace; wal-push exits 70 and wal-fetch 128 (never 1, which
 * would end recovery as if the archive had no more WAL); a truly missing file is still 1.
 */
class JavaStartFailuresIT {

    private static ArchivingCluster source;
    private static String archived;
    private static Path notYetArchived;

    @BeforeAll
    static void clusterWithArchivedWal() throws IOException {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
        archived = source.switchAndWaitForArchive();
        // The segment being written: real WAL, and not in the repository yet. (Right after a switch the
        // current position is the end of the archived segment, which pg_walfile_name names.)
        ClusterSql.execute(source.cluster(), "INSERT INTO t VALUES (0)");
        String current = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
        assertThat(current).isNotEqualTo(archived);
        notYetArchived = Files.createDirectories(source.scratch().resolve("pushed")).resolve(current);
        Files.copy(source.dataDirectory().resolve("pg_wal").resolve(current), notYetArchived);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void aTempDirectoryThatCannotHoldTheNativeLibraryIsOneLineAndTheDocumentedCode() throws IOException {
        Path aFile = Files.writeString(source.scratch().resolve("not-a-directory"), "x");
        for (Path tmpdir : new Path[]{source.scratch().resolve("does-not-exist"), aFile}) {
            Map<String, String> env = Map.of("LIFEBOAT_JAVA_OPTS", "-Djava.io.tmpdir=" + tmpdir);
            Map<String, String> before = RepositorySnapshot.of(source.repository());

            Lifeboat.Run push = Lifeboat.run(env, "wal-push", "--repo", source.repository().toString(), notYetArchived.toString());
            BadInputIT.assertFailure(push, 70, "cannot load the zstd native library: the temporary directory " + tmpdir,
                    "LIFEBOAT_JAVA_OPTS=-Djava.io.tmpdir=");
            assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);

            Path destination = source.scratch().resolve("RECOVERYXLOG-" + System.nanoTime());
            Lifeboat.Run fetch = Lifeboat.run(env, "wal-fetch", "--repo", source.repository().toString(), archived,
                    destination.toString());
            BadInputIT.assertFailure(fetch, 128, "cannot load the zstd native library: the temporary directory " + tmpdir,
                    "LIFEBOAT_JAVA_OPTS=-Djava.io.tmpdir=");
            assertThat(destination).doesNotExist();

            Lifeboat.Run missing = Lifeboat.run(env, "wal-fetch", "--repo", source.repository().toString(),
                    "0000000100000000000000FF", destination.toString());
            assertThat(missing.exitCode()).as("a file the repository does not have is still 'not found': " + missing).isEqualTo(1);
            assertThat(missing.stderr()).doesNotContain("\tat ");
        }
    }

    @Test
    void aJavaThatRunsOutOfMemoryIsOneLineAndTheDocumentedCode() {
        // A heap too small for Lifeboat to start its work: the OutOfMemoryError comes while the command runs.
        Map<String, String> env = Map.of("LIFEBOAT_JAVA_OPTS", "-Xmx4m");
        Map<String, String> before = RepositorySnapshot.of(source.repository());

        Lifeboat.Run push = Lifeboat.run(env, "wal-push", "--repo", source.repository().toString(), notYetArchived.toString());
        BadInputIT.assertFailure(push, 70, "the Java runtime ran out of memory", "LIFEBOAT_JAVA_OPTS=-Xmx");
        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);

        Path destination = source.scratch().resolve("RECOVERYXLOG-" + System.nanoTime());
        Lifeboat.Run fetch = Lifeboat.run(env, "wal-fetch", "--repo", source.repository().toString(), archived, destination.toString());
        BadInputIT.assertFailure(fetch, 128, "the Java runtime ran out of memory", "LIFEBOAT_JAVA_OPTS=-Xmx");
        assertThat(destination).doesNotExist();
    }

    @Test
    void aDamagedJarIsOneLineAndTheDocumentedCode() throws IOException {
        Path garbage = Files.writeString(source.scratch().resolve("garbage.jar"), "not a jar\n");
        // Starts like a zip, so only the JVM itself finds out (it prints its own error and exits 1).
        Path truncated = Files.write(source.scratch().resolve("truncated.jar"), "PK\003\004 and nothing else".getBytes(StandardCharsets.ISO_8859_1));
        for (Path jar : new Path[]{garbage, truncated}) {
            Map<String, String> env = Map.of("LIFEBOAT_JAR", jar.toString());
            Map<String, String> before = RepositorySnapshot.of(source.repository());

            Lifeboat.Run push = Lifeboat.run(env, "wal-push", "--repo", source.repository().toString(), notYetArchived.toString());
            BadInputIT.assertFailure(push, 70, jar.toString(), "LIFEBOAT_JA");
            assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);

            Path destination = source.scratch().resolve("RECOVERYXLOG-" + System.nanoTime());
            Lifeboat.Run fetch = Lifeboat.run(env, "wal-fetch", "--repo", source.repository().toString(), archived,
                    destination.toString());
            BadInputIT.assertFailure(fetch, 128, jar.toString(), "LIFEBOAT_JA");
            assertThat(destination).doesNotExist();
        }
    }

    @Test
    void aFileTheRepositoryDoesNotHaveIsStillExitOne() {
        Lifeboat.Run missing = Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), "0000000100000000000000FE",
                source.scratch().resolve("absent").toString());
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
    }
}
