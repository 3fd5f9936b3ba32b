package dev.lifeboat.core.demo;

import dev.lifeboat.core.pg.ServerUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lifeboat command a throwaway cluster's archive_command and restore_command can run.
 *
 * <p>Those run as the server's user, who often cannot enter the checkout a newcomer runs the
 * demo from (a clone in root's 0700 home, or in a {@code mktemp -d} directory). Then the
 * launcher and the jar it runs are copied into a directory that user can read, and the copy is
 * told which jar to run ({@code LIFEBOAT_JAR}): so it never looks at, or tries to rebuild, the
 * checkout it cannot reach, whatever {@code LIFEBOAT_JAR} the server inherited.
 */
final class ReachableLifeboat {

    /** The environment variable that makes bin/lifeboat run this jar and never build. */
    static final String JAR_ENV = "LIFEBOAT_JAR";

    private ReachableLifeboat() {
    }

    /**
     * @param command the command that runs Lifeboat here (the launcher, or java -jar JAR)
     * @param jar     the jar that command runs, or null when unknown (then only the command's files count)
     * @param work    a directory the server user can read, where copies go
     * @return {@code command} when the server user can reach everything it needs, else a command
     *     that runs copies under {@code work/lifeboat}
     */
    static List<String> forServer(List<String> command, Path jar, Path work, ServerUser serverUser) throws IOException {
        boolean jarNamed = jar != null && command.contains(jar.toString());
        boolean jarBlocked = jar != null && !jarNamed && Files.isRegularFile(jar) && blocked(jar, serverUser);
        boolean commandBlocked = command.stream().anyMatch(word -> isFile(word) && blocked(Path.of(word), serverUser));
        if (!jarBlocked && !commandBlocked) {
            return command;
        }
        Path home = Files.createDirectories(work.resolve("lifeboat"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> reachable = new ArrayList<>();
        if (jar != null && !jarNamed) {
            // The launcher finds its jar next to the checkout's sources: name the copy instead.
            reachable.add("env");
            reachable.add(JAR_ENV + "=" + copy(jar, home.resolve("lifeboat.jar"), "rw-r--r--"));
        }
        for (String word : command) {
            if (isFile(word) && blocked(Path.of(word), serverUser)) {
                Path file = Path.of(word);
                reachable.add(copy(file, home.resolve(file.getFileName()), "rwxr-xr-x").toString());
            } else {
                reachable.add(word);
            }
        }
        return List.copyOf(reachable);
    }

    private static boolean isFile(String word) {
        return word.startsWith("/") && Files.isRegularFile(Path.of(word));
    }

    private static boolean blocked(Path file, ServerUser serverUser) {
        return serverUser.blockingDirectory(file).isPresent();
    }

    private static Path copy(Path from, Path to, String mode) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode));
        return to;
    }
}
