package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A KEK stretched with Argon2id from a passphrase: printed by a command (a secret manager), or
 * taken from LIFEBOAT_PASSPHRASE (the weakest: the environment of a process can leak). The
 * passphrase is asked for only when needed and never printed.
 */
public final class Passphrase implements KeyEncryptionKeySource {

    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final String description;
    private final Supplier<String> passphrase;
    private String known;
    /** Keys already stretched in this process, by their parameters: one Argon2id run per salt. */
    private final java.util.Map<Argon2Settings, byte[]> derived = new java.util.LinkedHashMap<>();

    private Passphrase(String description, Supplier<String> passphrase) {
        this.description = description;
        this.passphrase = passphrase;
    }

    /** The first line {@code /bin/sh -c command} prints. The command is not named in messages: it may hold a secret. */
    public static Passphrase fromCommand(String command, String what) {
        return new Passphrase(what, () -> runCommand(command, what));
    }

    /** A passphrase given as a value (LIFEBOAT_PASSPHRASE), named by {@code what} in messages. */
    public static Passphrase of(String value, String what) {
        return new Passphrase(what, () -> value);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public KeyWrapping newWrapping() {
        passphrase(); // a failing passphrase command is refused before anything is written
        return new KeyWrapping(KeyWrapping.PASSPHRASE, KeyWrapping.AES256_GCM, Argon2Settings.fresh());
    }

    @Override
    public Aead keyEncryptionKey(KeyWrapping wrapping, String repository) {
        if (!KeyWrapping.PASSPHRASE.equals(wrapping.method()) || wrapping.kdf() == null) {
            throw new LifeboatException(ErrorCode.KEY, "repository " + repository + " is encrypted with " + wrapping.describe()
                    + ", and a passphrase was given (" + description + ")",
                    "give the key file with --key-file FILE (config 'key-file', LIFEBOAT_KEY_FILE)");
        }
        byte[] key;
        try {
            key = derive(wrapping.kdf());
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + repository
                    + " names a key derivation this Lifeboat does not know (" + wrapping.kdf().algorithm() + ")", "upgrade Lifeboat");
        }
        try {
            return new AesGcmJce(key);
        } catch (GeneralSecurityException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "AES-GCM is not available in this Java runtime: " + e.getMessage(), null, e);
        }
    }

    private synchronized byte[] derive(Argon2Settings settings) {
        byte[] key = derived.get(settings);
        if (key == null) {
            key = settings.derive(passphrase());
            derived.put(settings, key);
        }
        return key.clone();
    }

    /** The KEKs stretched so far, by their parameters: what a {@link DerivedKeyFile} holds for a restored server. */
    synchronized java.util.Map<Argon2Settings, byte[]> derivedKeys() {
        java.util.Map<Argon2Settings, byte[]> copy = new java.util.LinkedHashMap<>();
        derived.forEach((settings, key) -> copy.put(settings, key.clone()));
        return copy;
    }

    private synchronized String passphrase() {
        if (known == null) {
            String value = passphrase.get();
            if (value == null || value.isEmpty()) {
                throw new LifeboatException(ErrorCode.KEY, "the " + description + " gave an empty passphrase",
                        "give a non-empty passphrase");
            }
            known = value;
        }
        return known;
    }

    private static String runCommand(String command, String what) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                line = out.readLine();
                out.transferTo(java.io.Writer.nullWriter()); // let the command finish writing
            }
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LifeboatException(ErrorCode.KEY, "the " + what + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " seconds",
                        "check the passphrase command");
            }
            if (process.exitValue() != 0) {
                throw new LifeboatException(ErrorCode.KEY, "the " + what + " failed with exit status " + process.exitValue(),
                        "run the passphrase command by hand to see why");
            }
            return line;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.KEY, "the " + what + " cannot be run: " + e.getMessage(), "check the passphrase command");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.KEY, "the " + what + " was interrupted", null);
        }
    }
}
