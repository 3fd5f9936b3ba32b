package dev.lifeboat.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgBinariesTest {

    @TempDir
    Path root;

    @Test
    void findsThisMachinesServerAndItsTools() {
        PgBinaries binaries = PgBinaries.locate();

        assertThat(binaries.majorVersion()).isGreaterThanOrEqualTo(13);
        assertThat(binaries.version()).startsWith(binaries.majorVersion() + ".");
        assertThat(binaries.tool("pg_ctl")).isEqualTo(binaries.binDirectory().resolve("pg_ctl"));
        assertThat(binaries.findTool("pg_no_such_tool")).isEmpty();
        assertThatThrownBy(() -> binaries.tool("pg_no_such_tool"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).contains("has no pg_no_such_tool");
                });
    }

    @Test
    void prefersTheNewestDebianInstallationWithAllServerPrograms() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/9.6/bin"), "9.6.24");
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18 (Debian 15.18-0+deb12u1)");
        fakeServer(root.resolve("usr/lib/postgresql/16/bin"), "16.4");
        Path incomplete = Files.createDirectories(root.resolve("usr/lib/postgresql/17/bin"));
        script(incomplete.resolve("postgres"), "echo 'postgres (PostgreSQL) 17.0'");

        PgBinaries binaries = PgBinaries.locate(Map.of("PATH", ""), root);

        assertThat(binaries.binDirectory()).isEqualTo(root.resolve("usr/lib/postgresql/16/bin"));
        assertThat(binaries.version()).isEqualTo("16.4");
        assertThat(binaries.majorVersion()).isEqualTo(16);
    }

    @Test
    void findsRhelLayoutsThenThePath() throws IOException {
        Path onPath = fakeServer(root.resolve("opt/pg/bin"), "13.2");
        assertThat(PgBinaries.locate(Map.of("PATH", root.resolve("nothing") + ":" + onPath), root).version())
                .isEqualTo("13.2");

        fakeServer(root.resolve("usr/pgsql-14/bin"), "14.9");
        assertThat(PgBinaries.locate(Map.of("PATH", onPath.toString()), root).version()).isEqualTo("14.9");
    }

    @Test
    void pgConfigWinsOverTheDirectoryLayouts() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/16/bin"), "16.4");
        Path chosen = fakeServer(root.resolve("custom/bin"), "15.3");
        Path tools = Files.createDirectories(root.resolve("tools"));
        script(tools.resolve("pg_config"), "echo " + chosen);

        assertThat(PgBinaries.locate(Map.of("PATH", tools.toString()), root).binDirectory()).isEqualTo(chosen);
    }

    @Test
    void theEnvironmentVariableWinsAndMustNameARealBinDirectory() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/16/bin"), "16.4");
        Path chosen = fakeServer(root.resolve("mine"), "18.1");
        assertThat(PgBinaries.locate(Map.of(PgBinaries.BIN_ENV, chosen.toString()), root).version()).isEqualTo("18.1");

        Path empty = Files.createDirectories(root.resolve("empty"));
        assertThatThrownBy(() -> PgBinaries.locate(Map.of(PgBinaries.BIN_ENV, empty.toString()), root))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo(empty + " is not a PostgreSQL bin directory: no postgres, initdb, pg_ctl");
                });
    }

    @Test
    void saysWhereItLookedWhenThereIsNoServer() {
        assertThatThrownBy(() -> PgBinaries.locate(Map.of("PATH", ""), root))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage())
                            .startsWith("no PostgreSQL server binaries found (looked at LIFEBOAT_PG_BIN (not set); "
                                    + "pg_config --bindir (no pg_config); ")
                            .contains(root.resolve("usr/lib/postgresql/*/bin").toString())
                            .contains(root.resolve("usr/pgsql-*/bin").toString())
                            .endsWith("; PATH)");
                    assertThat(e.hint()).contains("install postgresql-15").contains("LIFEBOAT_PG_BIN");
                });
    }

    /** A bin directory whose postgres prints {@code version}; initdb and pg_ctl do nothing. */
    static Path fakeServer(Path bin, String version) throws IOException {
        Files.createDirectories(bin);
        script(bin.resolve("postgres"), "echo 'postgres (PostgreSQL) " + version + "'");
        script(bin.resolve("initdb"), "exit 0");
        script(bin.resolve("pg_ctl"), "exit 0");
        return bin;
    }

    static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
