package dev.lifeboat.core.pg;

import static dev.lifeboat.core.pg.PgBinariesTest.fakeServer;
import static dev.lifeboat.core.pg.PgBinariesTest.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search for the server of one major version, on fake layouts under a temporary root. */
class PgInstallationsTest {

    private static final String BACKUP = "backup 20261203T100000Z";

    @TempDir
    Path root;

    @Test
    void findsTheDebianDirectoryOfTheWantedVersionNotTheNewest() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18 (Debian 15.18-0+deb12u1)");
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "17.6 (Debian 17.6-1.pgdg120+1)");

        PgBinaries fifteen = search(Map.of("PATH", "")).forMajorVersion(15, BACKUP);
        PgBinaries seventeen = search(Map.of("PATH", "")).forMajorVersion(17, BACKUP);

        assertThat(fifteen.binDirectory()).isEqualTo(root.resolve("usr/lib/postgresql/15/bin"));
        assertThat(fifteen.version()).isEqualTo("15.18");
        assertThat(seventeen.binDirectory()).isEqualTo(root.resolve("usr/lib/postgresql/17/bin"));
        assertThat(seventeen.majorVersion()).isEqualTo(17);
    }

    @Test
    void findsTheRhelDirectory() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18");
        fakeServer(root.resolve("usr/pgsql-16/bin"), "16.8");

        PgBinaries found = search(Map.of("PATH", "")).forMajorVersion(16, BACKUP);

        assertThat(found.binDirectory()).isEqualTo(root.resolve("usr/pgsql-16/bin"));
        assertThat(found.version()).isEqualTo("16.8");
    }

    @Test
    void aDirectoryNamedForTheVersionIsCheckedByWhatItsPostgresSays() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "16.2");
        Path rhel = fakeServer(root.resolve("usr/pgsql-17/bin"), "17.6");

        assertThat(search(Map.of("PATH", "")).forMajorVersion(17, BACKUP).binDirectory()).isEqualTo(rhel);
        Files.delete(rhel.resolve("postgres"));
        assertThatThrownBy(() -> search(Map.of("PATH", "")).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .contains(root.resolve("usr/lib/postgresql/17/bin") + " (PostgreSQL 16.2)")
                        .contains(rhel + " (no postgres)"));
    }

    @Test
    void pgConfigCountsOnlyWhenItsServerIsTheWantedVersion() throws IOException {
        Path custom = fakeServer(root.resolve("opt/pg18/bin"), "18beta1");
        Path tools = Files.createDirectories(root.resolve("tools"));
        script(tools.resolve("pg_config"), "echo " + custom);
        Map<String, String> env = Map.of("PATH", tools.toString());

        PgBinaries found = search(env).forMajorVersion(18, BACKUP);

        assertThat(found.binDirectory()).isEqualTo(custom);
        assertThat(found.version()).isEqualTo("18beta1");
        assertThatThrownBy(() -> search(env).forMajorVersion(14, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .contains("pg_config --bindir " + custom + " (PostgreSQL 18beta1)"));
    }

    @Test
    void postgresOnThePathOrTheInstallationItsLinkPointsInto() throws IOException {
        Path onPath = fakeServer(root.resolve("opt/pg13/bin"), "13.22 (Debian 13.22-1.pgdg120+1)");
        Path installation = fakeServer(root.resolve("opt/pg14/bin"), "14.17");
        Path links = Files.createDirectories(root.resolve("usr/local/bin"));
        Files.createSymbolicLink(links.resolve("postgres"), installation.resolve("postgres"));
        Map<String, String> env = Map.of("PATH", root.resolve("nothing") + ":" + links + ":" + onPath);

        PgBinaries thirteen = search(env).forMajorVersion(13, BACKUP);
        PgBinaries fourteen = search(env).forMajorVersion(14, BACKUP);

        assertThat(thirteen.binDirectory()).isEqualTo(onPath);
        assertThat(thirteen.version()).isEqualTo("13.22");
        assertThat(fourteen.binDirectory()).isEqualTo(installation.toRealPath());
    }

    @Test
    void aDirectoryGivenExplicitlyIsTheOnlyOneAndMustBeTheWantedVersion() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "17.6");
        Path mine = fakeServer(root.resolve("mine/bin"), "15.18");
        Path other = fakeServer(root.resolve("other/bin"), "17.5");

        assertThat(new PgInstallations(mine, Map.of(), root).forMajorVersion(15, BACKUP).binDirectory()).isEqualTo(mine);
        assertThat(search(Map.of(PgBinaries.BIN_ENV, mine.toString())).forMajorVersion(15, BACKUP).binDirectory()).isEqualTo(mine);
        assertThat(new PgInstallations(other, Map.of(PgBinaries.BIN_ENV, mine.toString()), root).forMajorVersion(17, BACKUP)
                .binDirectory()).as("--pg-bin wins over the variable").isEqualTo(other);

        assertThatThrownBy(() -> search(Map.of(PgBinaries.BIN_ENV, mine.toString())).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo(BACKUP + " is PostgreSQL 17 but the server binaries at " + mine
                            + " are PostgreSQL 15");
                    assertThat(e.hint()).contains("PostgreSQL 17 bin directory").contains("--pg-bin");
                });
    }

    @Test
    void aMissingOrEmptyExplicitDirectoryIsRefusedByName() throws IOException {
        Path missing = root.resolve("no/such/bin");
        Path empty = Files.createDirectories(root.resolve("empty"));
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "17.6");

        assertThatThrownBy(() -> new PgInstallations(missing, Map.of(), root).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("the server bin directory " + missing
                            + " (--pg-bin or LIFEBOAT_PG_BIN) does not exist");
                    assertThat(e.hint()).contains("PostgreSQL 17, e.g. " + root.resolve("usr/lib/postgresql/17/bin"));
                });
        assertThatThrownBy(() -> search(Map.of(PgBinaries.BIN_ENV, empty.toString())).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .isEqualTo(empty + " is not a PostgreSQL bin directory: no postgres, initdb, pg_ctl"));
    }

    @Test
    void withNoneOfTheVersionTheMessageSaysWhereItLookedAndWhatToInstall() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18");
        Path blank = Files.createDirectories(root.resolve("blank"));

        assertThatThrownBy(() -> search(Map.of("PATH", blank.toString(), PgBinaries.BIN_ENV, " ")).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("no PostgreSQL 17 server binaries found for " + BACKUP + " (looked in"
                            + " --pg-bin and LIFEBOAT_PG_BIN (not given), " + root.resolve("usr/lib/postgresql/17/bin") + ", "
                            + root.resolve("usr/pgsql-17/bin") + ", pg_config (none on the PATH), the PATH (no postgres))");
                    assertThat(e.hint()).isEqualTo("install postgresql-17 (apt.postgresql.org) or postgresql17-server (PGDG yum),"
                            + " or give --pg-bin DIR (or LIFEBOAT_PG_BIN) naming a PostgreSQL 17 bin directory");
                });
    }

    @Test
    void withoutAnExplicitDirectoryThereIsNoExplicitServer() throws IOException {
        Path mine = fakeServer(root.resolve("mine/bin"), "16.1");
        assertThat(search(Map.of()).explicit()).isEmpty();
        assertThat(search(Map.of(PgBinaries.BIN_ENV, mine.toString())).explicit()).get()
                .extracting(PgBinaries::majorVersion).isEqualTo(16);
    }

    private PgInstallations search(Map<String, String> env) {
        return new PgInstallations(null, env, root);
    }
}
