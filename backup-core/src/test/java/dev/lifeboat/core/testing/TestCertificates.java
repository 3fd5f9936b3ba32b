package dev.lifeboat.core.testing;

import dev.lifeboat.core.pg.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test with openssl, a server certificate it signed for
 * localhost and 127.0.0.1, and a second, unrelated CA that signed nothing: what a test of
 * sslmode verify-ca / verify-full needs. The server's key is 0600, as PostgreSQL demands;
 * hand the directory to the server user before starting a cluster with {@link #serveTls}.
 */
public record TestCertificates(Path directory, Path caCertificate, Path otherCaCertificate, Path serverCertificate, Path serverKey) {

    public static TestCertificates create(Path directory) {
        try {
            Files.createDirectories(directory);
            Path ext = Files.writeString(directory.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Lifeboat test CA",
                    "-keyout", "ca.key", "-out", "ca.crt");
            openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Some other CA",
                    "-keyout", "other-ca.key", "-out", "other-ca.crt");
            openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", "server.key", "-out", "server.csr");
            openssl(directory, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-extfile", ext.toString(), "-out", "server.crt");
            Files.setPosixFilePermissions(directory.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
            return new TestCertificates(directory, directory.resolve("ca.crt"), directory.resolve("other-ca.crt"),
                    directory.resolve("server.crt"), directory.resolve("server.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the cluster serve TLS (ssl = on) with this server certificate and key. */
    public LocalCluster.Builder serveTls(LocalCluster.Builder builder) {
        return builder.setting("ssl", "on")
                .setting("ssl_cert_file", serverCertificate.toString())
                .setting("ssl_key_file", serverKey.toString());
    }

    private static void openssl(Path directory, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
