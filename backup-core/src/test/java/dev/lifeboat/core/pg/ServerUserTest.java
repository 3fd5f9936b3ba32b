package dev.lifeboat.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerUserTest {

    @Test
    void rootHandsTheServerToPostgresAndEveryoneElseRunsItThemselves() {
        ServerUser user = ServerUser.detect();
        if (ServerUser.isRoot()) {
            assertThat(user.mode()).isEqualTo(ServerUser.Mode.RUNUSER);
            assertThat(user.userName()).isEqualTo("postgres");
            List<String> wrapped = user.wrap(List.of("/bin/pg_ctl", "start"));
            // runuser by its path where it has one, so that a root PATH without sbin still finds it
            String runuser = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/runuser")) ? "/usr/sbin/runuser"
                    : java.nio.file.Files.isExecutable(java.nio.file.Path.of("/sbin/runuser")) ? "/sbin/runuser" : "runuser";
            assertThat(wrapped).containsExactly(runuser, "-u", "postgres", "--", "/bin/pg_ctl", "start");
        } else {
            assertThat(user.mode()).isEqualTo(ServerUser.Mode.CURRENT_USER);
            assertThat(user.wrap(List.of("/bin/pg_ctl", "start"))).containsExactly("/bin/pg_ctl", "start");
        }
    }

    @Test
    void rootWithoutTheUserFallsBackToAUserNamespace() throws Exception {
        assumeTrue(ServerUser.isRoot(), "only root needs another user");
        ServerUser user = ServerUser.detect("lifeboat-no-such-user");

        assertThat(user.mode()).isEqualTo(ServerUser.Mode.USER_NAMESPACE);
        assertThat(user.wrap(List.of("id", "-u"))).containsExactly("unshare", "-U", "--", "id", "-u");
        // Inside, root has no privileges left: the server programs accept that.
        ExternalCommand.Result result = ExternalCommand.of(user.wrap(List.of("id", "-u")), java.time.Duration.ofSeconds(10)).run();
        assertThat(result.output()).isNotEqualTo("0");
        assertThatThrownBy(() -> ServerUser.runuser("lifeboat-no-such-user"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES));
    }

    @Test
    void handsADirectoryTreeOverAndNamesTheDirectoryThatBlocksIt() throws Exception {
        assumeTrue(ServerUser.isRoot(), "only root can hand files to another user");
        ServerUser postgres = ServerUser.runuser("postgres");
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-user-")) {
            Path data = Files.createDirectories(scratch.resolve("cluster/data"));
            Files.writeString(data.resolve("PG_VERSION"), "15\n");

            postgres.handOver(scratch.resolve("cluster"));

            assertThat(Files.getOwner(data.resolve("PG_VERSION")).getName()).isEqualTo("postgres");
            assertThat(Files.getOwner(scratch.path()).getName()).isEqualTo("root");
            assertThat(postgres.blockingDirectory(data)).isEmpty();
            postgres.requireReachable(data.resolve("PG_VERSION"));

            // A directory made by Files.createTempDirectory (0700, root's) keeps postgres out.
            Path privateDir = Files.createTempDirectory(scratch.path(), "private-");
            Path inside = Files.createDirectories(privateDir.resolve("data"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateDir))).isEqualTo("rwx------");
            assertThat(postgres.blockingDirectory(inside)).contains(privateDir);
            assertThatThrownBy(() -> postgres.requireReachable(inside))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                        assertThat(e.getMessage()).isEqualTo("PostgreSQL runs as postgres, which cannot reach "
                                + inside + ": " + privateDir + " is mode 700, owner uid 0, group gid 0");
                        assertThat(e.hint()).contains("chmod o+x " + privateDir);
                    });

            // Root's own 0700 directories are fine inside a user namespace: root still owns them.
            assertThat(ServerUser.userNamespace().blockingDirectory(inside)).isEmpty();
        }
    }

    @Test
    void scratchDirectoriesAreTraversableByEveryoneAndDeletedOnClose() throws Exception {
        Path path;
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-scratch-")) {
            path = scratch.path();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwxr-xr-x");
            Files.createDirectories(scratch.resolve("a/b"));
            Files.writeString(scratch.resolve("a/b/c"), "x");
            assertThat(ServerUser.detect().blockingDirectory(scratch.resolve("a/b/c"))).isEmpty();
        }
        assertThat(path).doesNotExist();
    }
}
