package dev.lifeboat.core.demo;

import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The demo's archive_command from a checkout in a 0700 directory (root's home, mktemp -d), as root. */
class ReachableLifeboatTest {

    private ServerUser serverUser;
    private Path locked;
    private ScratchDirectory work;

    @BeforeEach
    void rootAndAServerUser() throws IOException {
        assumeTrue(ServerUser.isRoot(), "needs root");
        serverUser = TestClusters.serverUser();
        assumeTrue(serverUser.mode() == ServerUser.Mode.RUNUSER, "needs a postgres user");
        locked = Files.createTempDirectory("lifeboat-checkout-"); // mode 0700
        work = ScratchDirectory.create("lifeboat-demo-test-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (work != null) {
            work.close();
        }
        if (locked != null) {
            new ScratchDirectory(locked).close();
        }
    }

    @Test
    void theLauncherAndItsJarAreCopiedWhereTheServerCanRunThemAndTheCopyIsToldWhichJar() throws IOException {
        Path launcher = file(locked.resolve("bin/lifeboat"), "#!/bin/sh\n");
        Path jar = file(locked.resolve("cli/target/lifeboat.jar"), "PK jar");

        List<String> command = ReachableLifeboat.forServer(List.of(launcher.toString()), jar, work.path(), serverUser);

        Path copiedJar = work.resolve("lifeboat/lifeboat.jar");
        Path copiedLauncher = work.resolve("lifeboat/lifeboat");
        assertThat(command).containsExactly("env", "LIFEBOAT_JAR=" + copiedJar, copiedLauncher.toString());
        assertThat(Files.readString(copiedJar)).isEqualTo("PK jar");
        assertThat(Files.readString(copiedLauncher)).isEqualTo("#!/bin/sh\n");
        assertThat(Files.isExecutable(copiedLauncher)).isTrue();
        assertThat(serverUser.blockingDirectory(copiedJar)).isEmpty();
        assertThat(serverUser.blockingDirectory(copiedLauncher)).isEmpty();
    }

    @Test
    void aJarOutOfReachIsCopiedEvenWhenTheLauncherIsReachable() throws IOException {
        Path launcher = file(work.resolve("opt/bin/lifeboat"), "#!/bin/sh\n");
        Path jar = file(locked.resolve("lifeboat.jar"), "PK jar");

        List<String> command = ReachableLifeboat.forServer(List.of(launcher.toString()), jar, work.path(), serverUser);

        assertThat(command).containsExactly("env", "LIFEBOAT_JAR=" + work.resolve("lifeboat/lifeboat.jar"), launcher.toString());
    }

    @Test
    void javaDashJarGetsACopyOfTheJar() throws IOException {
        Path jar = file(locked.resolve("lifeboat.jar"), "PK jar");

        List<String> command = ReachableLifeboat.forServer(List.of("/usr/bin/java", "-jar", jar.toString()), jar, work.path(), serverUser);

        assertThat(command).containsExactly("/usr/bin/java", "-jar", work.resolve("lifeboat/lifeboat.jar").toString());
    }

    @Test
    void aCommandTheServerCanRunIsUsedAsItIs() throws IOException {
        Path launcher = file(work.resolve("opt/bin/lifeboat"), "#!/bin/sh\n");
        Path jar = file(work.resolve("opt/cli/target/lifeboat.jar"), "PK jar");

        List<String> command = ReachableLifeboat.forServer(List.of(launcher.toString()), jar, work.path(), serverUser);

        assertThat(command).containsExactly(launcher.toString());
        assertThat(work.resolve("lifeboat")).doesNotExist();
    }

    private static Path file(Path path, String content) throws IOException {
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }
}
