package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.ScratchDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs bin/lifeboat as a separate process, the way operators, cron and PostgreSQL do. The
 * launcher and the jar built by this build are copied into a world-readable directory once
 * per JVM, because archive_command and restore_command run as the postgres user, who may
 * not be able to reach the checkout (CI clones under /root).
 */
public final class Lifeboat {

    /** What a run printed and how it ended. */
    public record Run(int exitCode, String stdout, String stderr) {
        public List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static Path launcher;

    private Lifeboat() {
    }

    /** The launcher every test and every test cluster uses. */
    public static synchronized Path launcher() {
        if (launcher == null) {
            try {
                Path checkout = Path.of(System.getProperty("lifeboat.home", "../")).toAbsolutePath().normalize();
                Path jar = Path.of(System.getProperty("lifeboat.jar", checkout.resolve("cli/target/lifeboat.jar").toString()));
                ScratchDirectory home = ScratchDirectory.create("lifeboat-it-");
                Runtime.getRuntime().addShutdownHook(new Thread(home::close));
                Path bin = Files.createDirectories(home.resolve("bin"));
                Path target = Files.createDirectories(home.resolve("cli/target"));
                for (Path dir : List.of(home.path(), bin, home.resolve("cli"), target)) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                Files.copy(checkout.resolve("bin/lifeboat"), bin.resolve("lifeboat"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(jar, target.resolve("lifeboat.jar"), StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(bin.resolve("lifeboat"), PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(target.resolve("lifeboat.jar"), PosixFilePermissions.fromString("rw-r--r--"));
                launcher = bin.resolve("lifeboat");
            } catch (IOException e) {
                throw new IllegalStateException("cannot set up the launcher for the tests", e);
            }
        }
        return launcher;
    }

    public static Run run(String... args) {
        return run(Map.of(), args);
    }

    public static Run run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        return exec(command, env, null);
    }

    /** Runs any command (e.g. the launcher from the checkout) with a timeout of five minutes. */
    public static Run exec(List<String> command, Map<String, String> env, Path workingDirectory) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.remove("LIFEBOAT_CONFIG");
        environment.putAll(new HashMap<>(env));
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Run(process.exitValue(), out.get(), err.get());
        } catch (IOException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }
}
