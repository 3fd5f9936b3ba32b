package dev.lifeboat.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {

    @Test
    void explainsAFailedStartWithItsFatalLinesAndTheirDetails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql.log");
        Files.writeString(file, "2026-11-20 14:00:00.000 UTC [1] LOG:  an older start\n");
        ServerLog log = new ServerLog(file);
        long offset = log.size();
        Files.writeString(file, """
                2026-11-20 14:03:00.001 UTC [7] LOG:  starting PostgreSQL 15.18
                2026-11-20 14:03:00.002 UTC [9] FATAL:  the database system is starting up
                2026-11-20 14:03:00.003 UTC [8] LOG:  starting point-in-time recovery to 2999-01-01 00:00:00+00
                2026-11-20 14:03:00.004 UTC [8] FATAL:  recovery ended before configured recovery target was reached
                2026-11-20 14:03:00.005 UTC [7] LOG:  startup process (PID 8) exited with exit code 1
                """, java.nio.file.StandardOpenOption.APPEND);

        assertThat(log.problemsSince(offset))
                .containsExactly("FATAL: recovery ended before configured recovery target was reached");
        assertThat(log.explainSince(offset))
                .isEqualTo("FATAL: recovery ended before configured recovery target was reached");
        assertThat(log.problemsSince(0)).hasSize(1);
    }

    @Test
    void namesTheBadSettingBehindAConfigurationFileError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql.log");
        Files.writeString(file, """
                2026-11-20 14:03:00.001 UTC [7] LOG:  invalid value for parameter "shared_buffers": "lots"
                2026-11-20 14:03:00.002 UTC [7] FATAL:  configuration file "/x/postgresql.conf" contains errors
                """);

        assertThat(new ServerLog(file).explainSince(0)).isEqualTo(
                "LOG: invalid value for parameter \"shared_buffers\": \"lots\" / "
                        + "FATAL: configuration file \"/x/postgresql.conf\" contains errors");
    }

    @Test
    void fallsBackToTheLastLinesWhenNothingIsFatal(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql.log");
        Files.writeString(file, "a\nb\n2026-11-20 14:03:00.001 UTC [7] LOG:  server process was terminated by signal 9\n");

        assertThat(new ServerLog(file).explainSince(0))
                .isEqualTo("a / b / LOG: server process was terminated by signal 9");
        assertThat(new ServerLog(dir.resolve("missing.log")).explainSince(0)).isEqualTo("(the server log is empty)");
    }

    @Test
    void namesTheWalFileRestoreCommandCouldNotDeliverAndWhatWalFetchSaid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql.log");
        Files.writeString(file, """
                2026-11-20 14:03:00.001 UTC [8] LOG:  restored log file "000000010000000000000009" from archive
                lifeboat: error: corrupt object wal/00000001/0000000100000000/00000001000000000000000A-ab12.zst: content does not match its SHA-256
                  hint: run 'lifeboat verify' to list every damaged object; restore from another repository or backup
                2026-11-20 14:03:00.002 UTC [8] FATAL:  could not restore file "00000001000000000000000A" from archive: child process exited with exit code 128
                2026-11-20 14:03:00.003 UTC [7] LOG:  startup process (PID 8) exited with exit code 1
                """);

        assertThat(new ServerLog(file).restoreCommandFailureSince(0)).hasValue(
                "recovery stopped: restore_command could not deliver WAL file 00000001000000000000000A: corrupt object "
                        + "wal/00000001/0000000100000000/00000001000000000000000A-ab12.zst: content does not match its SHA-256");
    }

    @Test
    void aRestoreCommandFailureWithoutLifeboatsWordsStillNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql.log");
        Files.writeString(file, """
                2026-11-20 14:03:00.002 UTC [8] FATAL:  could not restore file "00000001000000000000000A" from archive: child process exited with exit code 130
                """);

        assertThat(new ServerLog(file).restoreCommandFailureSince(0)).hasValue("recovery stopped: restore_command could not deliver"
                + " WAL file 00000001000000000000000A: could not restore file \"00000001000000000000000A\" from archive:"
                + " child process exited with exit code 130");
        Files.writeString(file, "2026-11-20 14:03:00.004 UTC [8] FATAL:  recovery ended before configured recovery target was reached\n");
        assertThat(new ServerLog(file).restoreCommandFailureSince(0)).isEmpty();
    }
}
