package dev.lifeboat.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This build's version and the host it runs on, recorded in manifests and drill results. */
public final class LifeboatVersion {

    private LifeboatVersion() {
    }

    public static String version() {
        String v = LifeboatVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The host name without a DNS lookup (which can hang on a badly configured machine). */
    public static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
