package dev.lifeboat.core.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PgPassFileTest {

    private static Optional<String> match(String host, int port, String db, String user, String... lines) {
        return PgPassFile.match(List.of(lines), host, port, db, user);
    }

    @Test
    void theFirstMatchingLineWinsSoSpecificLinesGoFirst() {
        assertThat(match("db1", 5432, "postgres", "backup",
                "db1:5432:postgres:backup:first",
                "*:*:*:*:second")).contains("first");
        assertThat(match("db2", 5432, "postgres", "backup",
                "db1:5432:postgres:backup:first",
                "*:*:*:*:second")).contains("second");
    }

    @Test
    void eachOfTheFirstFourFieldsMustMatchOrBeAStar() {
        String line = "db1:5433:app:backup:secret";
        assertThat(match("db1", 5433, "app", "backup", line)).contains("secret");
        assertThat(match("db2", 5433, "app", "backup", line)).isEmpty();
        assertThat(match("db1", 5432, "app", "backup", line)).isEmpty();
        assertThat(match("db1", 5433, "other", "backup", line)).isEmpty();
        assertThat(match("db1", 5433, "app", "postgres", line)).isEmpty();
        assertThat(match("anything", 1, "any", "one", "*:*:*:*:secret")).contains("secret");
        assertThat(match("db1", 6000, "app", "backup", "db1:*:app:backup:secret")).contains("secret");
    }

    @Test
    void backslashEscapesColonAndBackslashInEveryField() {
        assertThat(match("db1", 5432, "post:gres", "back\\up", "db1:5432:post\\:gres:back\\\\up:pa\\:ss\\\\word"))
                .contains("pa:ss\\word");
        // An escaped star is a literal star, not the wildcard.
        assertThat(match("db1", 5432, "postgres", "backup", "db1:5432:\\*:backup:x")).isEmpty();
        assertThat(match("db1", 5432, "*", "backup", "db1:5432:\\*:backup:x")).contains("x");
        // A star within a field is literal too: only a whole field of '*' is the wildcard.
        assertThat(match("db1", 5432, "postgres", "backup", "db*:5432:postgres:backup:x")).isEmpty();
    }

    @Test
    void thePasswordEndsAtAnUnescapedColonAndMayBeEmptyOrHoldSpaces() {
        assertThat(match("h", 1, "d", "u", "h:1:d:u:se cret:trailing")).contains("se cret");
        assertThat(match("h", 1, "d", "u", "h:1:d:u:")).contains("");
    }

    @Test
    void commentsBlankAndShortLinesAreSkipped() {
        assertThat(match("h", 1, "d", "u",
                "# h:1:d:u:commented",
                "",
                "h:1:d",
                "h:1:d:u:real")).contains("real");
    }

    @Test
    void aSocketDirectoryMatchesItsPathAndTheDefaultDirectoriesAlsoMatchLocalhost() {
        assertThat(match("/srv/pg/run", 5432, "d", "u", "/srv/pg/run:5432:d:u:bypath")).contains("bypath");
        assertThat(match("/srv/pg/run", 5432, "d", "u", "localhost:5432:d:u:local")).isEmpty();
        assertThat(match("/var/run/postgresql", 5432, "d", "u", "localhost:5432:d:u:local")).contains("local");
        assertThat(match("localhost", 5432, "d", "u", "localhost:5432:d:u:local")).contains("local");
    }

    @Test
    void aFileOnlyItsOwnerCanReadIsUsed(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("pgpass"), "rw-------", "localhost:5432:postgres:backup:s3cr:t\n");
        List<String> warnings = new ArrayList<>();
        assertThat(new PgPassFile(file).password("localhost", 5432, "postgres", "backup", warnings::add)).contains("s3cr");
        assertThat(warnings).isEmpty();
        write(file, "r--------", "localhost:5432:postgres:backup:readonly\n");
        assertThat(new PgPassFile(file).password("localhost", 5432, "postgres", "backup", warnings::add)).contains("readonly");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aFileTheGroupOrOthersMayReadIsIgnoredWithAWarningThatHoldsNoPassword(@TempDir Path dir) throws IOException {
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----")) {
            Path file = write(dir.resolve("pgpass-" + mode), mode, "*:*:*:*:topsecret\n");
            List<String> warnings = new ArrayList<>();
            assertThat(new PgPassFile(file).password("h", 5432, "d", "u", warnings::add)).as(mode).isEmpty();
            assertThat(warnings).as(mode).singleElement().asString()
                    .isEqualTo("WARNING: password file \"" + file + "\" has group or world access;"
                            + " permissions should be u=rw (0600) or less")
                    .doesNotContain("topsecret");
        }
    }

    @Test
    void aMissingFileIsNoPasswordAndNoWarning(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        assertThat(new PgPassFile(dir.resolve("none")).password("h", 5432, "d", "u", warnings::add)).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void aDirectoryIsNotAPasswordFile(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        assertThat(new PgPassFile(dir).password("h", 5432, "d", "u", warnings::add)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("is not a plain file");
    }

    @Test
    void pgpassfileBeatsTheHomeDirectory() {
        assertThat(PgPassFile.fromEnvironment(Map.of("PGPASSFILE", "/etc/lifeboat/pgpass", "HOME", "/home/x")))
                .contains(new PgPassFile(Path.of("/etc/lifeboat/pgpass")));
        assertThat(PgPassFile.fromEnvironment(Map.of("HOME", "/home/x"))).contains(new PgPassFile(Path.of("/home/x/.pgpass")));
    }

    private static Path write(Path file, String mode, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
