package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.ServerUser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A newcomer's first command, as root, from a checkout the postgres user cannot enter: a
 * clone in root's 0700 home or in a {@code mktemp -d} directory. The clone is imitated by the
 * launcher and the jar this build made, in the places a clone has them (bin/ and cli/target/),
 * inside a 0700 directory.
 */
class FirstRunIT {

    @Test
    void theDemoPassesFromACheckoutThePostgresUserCannotEnter() throws IOException {
        assumeTrue(ServerUser.isRoot(), "the newcomer of this story is root (as CI is)");
        Path checkout = Path.of(System.getProperty("lifeboat.home", "..")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("lifeboat.jar", checkout.resolve("cli/target/lifeboat.jar").toString()));
        Path locked = Files.createTempDirectory("lifeboat-firstrun-");
        try {
            assertThat(Files.getPosixFilePermissions(locked)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            Path clone = locked.resolve("lifeboat");
            Path launcher = Files.createDirectories(clone.resolve("bin")).resolve("lifeboat");
            Files.copy(checkout.resolve("bin/lifeboat"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(jar, Files.createDirectories(clone.resolve("cli/target")).resolve("lifeboat.jar"));

            Lifeboat.Run demo = Lifeboat.exec(List.of(launcher.toString(), "demo"), withoutJarOverride(), clone);

            assertThat(demo.exitCode()).as(demo.toString()).isZero();
            assertThat(demo.stdout()).containsPattern("PASS: the restored instance holds exactly the \\d+ rows");
            Path work = demoDirectory(demo);
            assertThat(work).as("the demo cleans up after itself").doesNotExist();
            assertThat(processesMentioning(work)).as("processes left running").isEmpty();
        } finally {
            deleteTree(locked);
        }
    }

    /** A newcomer has no LIFEBOAT_JAR: the launcher must find the jar of its own checkout. */
    private static Map<String, String> withoutJarOverride() {
        return Map.of("LIFEBOAT_JAR", "");
    }

    /** The demo's working directory, as its archive_command shows it. */
    private static Path demoDirectory(Lifeboat.Run demo) {
        Matcher m = Pattern.compile("(/\\S*lifeboat-demo-\\d+)/repository").matcher(demo.stdout());
        assertThat(m.find()).as("the demo names its repository: " + demo).isTrue();
        return Path.of(m.group(1));
    }

    private static List<String> processesMentioning(Path directory) {
        return ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains(directory.toString()))
                .toList();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
