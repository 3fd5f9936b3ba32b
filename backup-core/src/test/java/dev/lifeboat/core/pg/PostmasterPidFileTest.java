package dev.lifeboat.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmasterPidFileTest {

    @Test
    void readsThePidAndTheStateOfAStartingServer(@TempDir Path data) throws Exception {
        assertThat(PostmasterPidFile.read(data)).isEmpty();

        Files.writeString(data.resolve("postmaster.pid"),
                "4242\n/srv/data\n1763647380\n5433\n/run/pg\n127.0.0.1\n  5433001    32769\nstandby \n");
        PostmasterPidFile file = PostmasterPidFile.read(data).orElseThrow();

        assertThat(file.pid()).isEqualTo(4242);
        assertThat(file.port()).isEqualTo(5433);
        assertThat(file.status()).isEqualTo("standby");
        assertThat(file.acceptsConnections()).isTrue();
        assertThat(file.sameServer(new PostmasterPidFile(4242, "1763647380", "ready"))).isTrue();
        assertThat(file.sameServer(new PostmasterPidFile(4242, "1763647999", "ready"))).isFalse();

        Files.writeString(data.resolve("postmaster.pid"), "4242\n/srv/data\n1763647380\n");
        assertThat(PostmasterPidFile.read(data).orElseThrow().acceptsConnections()).isFalse();
    }

    @Test
    void knowsWhetherAProcessIsAlive() {
        assertThat(PostmasterPidFile.isAlive(ProcessHandle.current().pid())).isTrue();
        assertThat(PostmasterPidFile.isAlive(Integer.MAX_VALUE)).isFalse();
    }
}
