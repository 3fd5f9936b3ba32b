package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * A KEK read from a file of 32 random bytes, raw or base64 (e.g. {@code head -c 32 /dev/urandom
 * | base64 > FILE}). The file must be readable by its owner only (0600 or stricter) and owned by
 * the user Lifeboat runs as, or by root (root may use any user's): a key others can read or
 * replace protects nothing.
 */
public final class KeyFile implements KeyEncryptionKeySource {

    static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path file;

    public KeyFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    @Override
    public String description() {
        return "key file " + file;
    }

    @Override
    public KeyWrapping newWrapping() {
        read(); // refuse a bad key file before anything is written
        return new KeyWrapping(KeyWrapping.KEY_FILE, KeyWrapping.AES256_GCM, null);
    }

    @Override
    public Aead keyEncryptionKey(KeyWrapping wrapping, String repository) {
        byte[] content = readChecked();
        if (DerivedKeyFile.holds(content)) {
            return DerivedKeyFile.keyFor(content, wrapping, file, repository);
        }
        if (!KeyWrapping.KEY_FILE.equals(wrapping.method())) {
            throw new LifeboatException(ErrorCode.KEY, "repository " + repository + " is encrypted with " + wrapping.describe()
                    + ", and a key file was given (" + file + ")",
                    "give the passphrase with --passphrase-command CMD or LIFEBOAT_PASSPHRASE instead of --key-file");
        }
        try {
            return new AesGcmJce(decode(content));
        } catch (GeneralSecurityException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "AES-GCM is not available in this Java runtime: " + e.getMessage(), null, e);
        }
    }

    /** Refuses a key file that is missing, unreadable, or open to others: a check cheap enough to make before any work. */
    public void requireUsable() {
        readChecked();
    }

    private byte[] read() {
        byte[] content = readChecked();
        if (DerivedKeyFile.holds(content)) {
            throw refused("holds keys derived from a passphrase (written by 'lifeboat restore' for a restored server), not a key of its own",
                    "give a key file of 32 random bytes to create a repository encrypted with a key file");
        }
        return decode(content);
    }

    /** The file's bytes, once its mode and owner are what a key needs. */
    private byte[] readChecked() {
        try {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
            Set<PosixFilePermission> loose = EnumSet.copyOf(attributes.permissions());
            loose.retainAll(OTHERS);
            if (!loose.isEmpty()) {
                throw refused("is readable or writable by others (mode " + mode(attributes.permissions()) + ")",
                        "chmod 600 " + file);
            }
            String user = System.getProperty("user.name");
            String owner = attributes.owner().getName();
            // As ssh does for its keys: the user's own file or root's; root itself may use any user's (e.g. the server user's).
            if (!owner.equals(user) && !owner.equals("root") && !user.equals("root")) {
                throw refused("is owned by " + owner + ", not by " + user + " who runs Lifeboat",
                        "chown " + user + " " + file + ", or run Lifeboat as its owner");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw refused("does not exist", "create one with: (umask 077; head -c 32 /dev/urandom | base64 > " + file + ")");
        } catch (UnsupportedOperationException e) {
            throw refused("is on a filesystem without POSIX permissions, so its mode cannot be checked", "keep the key file on a local disk");
        } catch (IOException e) {
            throw refused("cannot be read: " + e.getMessage(), "check the file and its directory");
        }
    }

    private byte[] decode(byte[] content) {
        if (content.length == KEY_BYTES) {
            return content;
        }
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        try {
            byte[] key = Base64.getDecoder().decode(text);
            if (key.length == KEY_BYTES) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // not base64: refused below, without echoing what the file holds
        }
        throw refused("does not hold 32 bytes, raw or base64", "create one with: (umask 077; head -c 32 /dev/urandom | base64 > " + file + ")");
    }

    static LifeboatException refused(Path file, String problem, String hint) {
        return new LifeboatException(ErrorCode.KEY, "key file " + file + " " + problem, hint);
    }

    private LifeboatException refused(String problem, String hint) {
        return new LifeboatException(ErrorCode.KEY, "key file " + file + " " + problem, hint);
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }
}
