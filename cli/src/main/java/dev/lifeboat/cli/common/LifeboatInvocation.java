package dev.lifeboat.cli.common;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How PostgreSQL (restore_command, archive_command) should call this same Lifeboat: through
 * bin/lifeboat when that started us, else the same java and jar; plus --config when a
 * configuration file is in use, so the server's calls see the same settings.
 */
public final class LifeboatInvocation {

    private LifeboatInvocation() {
    }

    public static List<String> command(CliContext context) {
        String launcher = context.env().get("LIFEBOAT_LAUNCHER");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return jar().map(jar -> List.of(java.toString(), "-jar", jar.toString())).orElse(List.of("lifeboat"));
    }

    /** The jar this Lifeboat runs from; empty when it runs from class directories (in-process tests). */
    public static Optional<Path> jar() {
        try {
            Path location = Path.of(LifeboatInvocation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static List<String> options(CliContext context) {
        List<String> options = new ArrayList<>();
        context.config().path().ifPresent(path -> {
            if (!path.equals(ConfigFile.DEFAULT)) {
                options.add("--config");
                options.add(path.toString());
            }
        });
        return options;
    }
}
