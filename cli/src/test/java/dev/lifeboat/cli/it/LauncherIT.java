package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** bin/lifeboat as PostgreSQL calls it: another user, another directory, almost no environment. */
class LauncherIT {

    @Test
    void theCheckoutsLauncherRunsFromAnyDirectory() {
        Path checkout = Path.of(System.getProperty("lifeboat.home", "..")).toAbsolutePath().normalize();
        Lifeboat.Run version = Lifeboat.exec(List.of(checkout.resolve("bin/lifeboat").toString(), "--version"), Map.of(), Path.of("/"));
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).startsWith("lifeboat ");
    }

    @Test
    void thePostgresUserRunsItWithoutHomeOrEnvironment() {
        assumeTrue(ServerUser.isRoot() && TestClusters.serverUser().mode() == ServerUser.Mode.RUNUSER, "needs root and a postgres user");
        Lifeboat.Run help = Lifeboat.exec(List.of("runuser", "-u", TestClusters.serverUser().userName(), "--",
                "env", "-i", "PATH=/usr/bin:/bin", Lifeboat.launcher().toString(), "wal-push", "--help"), Map.of(), Path.of("/"));
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("archive_command");
    }

    @Test
    void walFetchNeverExitsOneWhenTheLauncherItselfFails() throws Exception {
        try (ScratchDirectory home = ScratchDirectory.create("lifeboat-nojar-")) {
            Path bin = Files.createDirectories(home.resolve("bin"));
            Files.copy(Lifeboat.launcher(), bin.resolve("lifeboat"), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(bin.resolve("lifeboat"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Lifeboat.Run fetch = Lifeboat.exec(List.of(bin.resolve("lifeboat").toString(), "wal-fetch", "--repo", "/x",
                    "000000010000000000000001", "/tmp/x"), Map.of(), Path.of("/"));
            assertThat(fetch.exitCode()).as(fetch.toString()).isGreaterThan(125);
            assertThat(fetch.stderr()).contains("lifeboat: error:");
        }
    }

    @Test
    void theDemoPasses() {
        Lifeboat.Run demo = Lifeboat.run("demo");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).contains("lifeboat backup").contains("lifeboat restore --target-time")
                .containsPattern("PASS: the restored instance holds exactly the \\d+ rows");
    }
}
