package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;

/**
 * The KEKs a passphrase was stretched into, kept in a 0600 file for a restored server's
 * restore_command ({@code wal-fetch --key-file FILE}): the passphrase itself never reaches a
 * command line, postgresql.auto.conf or the server's files. Read through {@link KeyFile}, which
 * tells it from a key of its own by its first line. Each further line is one repository's KEK
 * with the Argon2id parameters (salt included) it came from, so that it opens only that repository:
 *
 * <pre>
 * lifeboat derived key-encryption keys v1
 * argon2id MEMORY_KIB ITERATIONS PARALLELISM SALT_BASE64 KEY_BASE64
 * </pre>
 */
public final class DerivedKeyFile {

    static final String MARKER = "lifeboat derived key-encryption keys v1";

    private DerivedKeyFile() {
    }

    static boolean holds(byte[] content) {
        return new String(content, StandardCharsets.US_ASCII).startsWith(MARKER + "\n");
    }

    /**
     * Writes the KEKs {@code keys} has stretched so far into a new file readable by its owner
     * only; false (and nothing written) when {@code keys} is no passphrase or has stretched none.
     */
    public static boolean write(Path file, KeyEncryptionKeySource keys) throws IOException {
        if (!(keys instanceof Passphrase passphrase)) {
            return false;
        }
        Map<Argon2Settings, byte[]> derived = passphrase.derivedKeys();
        if (derived.isEmpty()) {
            return false;
        }
        StringBuilder text = new StringBuilder(MARKER).append('\n');
        Base64.Encoder base64 = Base64.getEncoder();
        derived.forEach((s, key) -> text.append(String.join(" ", s.algorithm(), Integer.toString(s.memoryKiB()),
                Integer.toString(s.iterations()), Integer.toString(s.parallelism()), s.salt(), base64.encodeToString(key))).append('\n'));
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        // created 0600 (no window in which others may open it)
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return true;
    }

    /** The KEK for a keyset wrapped as {@code wrapping} says: a passphrase's, stretched with the same parameters. */
    static Aead keyFor(byte[] content, KeyWrapping wrapping, Path file, String repository) {
        if (!KeyWrapping.PASSPHRASE.equals(wrapping.method()) || wrapping.kdf() == null) {
            throw new LifeboatException(ErrorCode.KEY, "repository " + repository + " is encrypted with " + wrapping.describe()
                    + ", and key file " + file + " holds keys derived from a passphrase",
                    "give the repository's own key file with --key-file FILE");
        }
        Argon2Settings wanted = wrapping.kdf();
        String[] lines = new String(content, StandardCharsets.US_ASCII).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] words = lines[i].strip().split(" ");
            if (words.length == 6 && words[0].equals(wanted.algorithm()) && words[1].equals(Integer.toString(wanted.memoryKiB()))
                    && words[2].equals(Integer.toString(wanted.iterations())) && words[3].equals(Integer.toString(wanted.parallelism()))
                    && words[4].equals(wanted.salt())) {
                try {
                    return new AesGcmJce(Base64.getDecoder().decode(words[5]));
                } catch (IllegalArgumentException | GeneralSecurityException e) {
                    throw KeyFile.refused(file, "holds a damaged key for repository " + repository, "restore again to write it anew");
                }
            }
        }
        throw KeyFile.refused(file, "holds no key derived with repository " + repository + "'s passphrase salt"
                + " (the passphrase was changed, or the file was written for another repository)",
                "give the passphrase with --passphrase-command CMD or LIFEBOAT_PASSPHRASE");
    }
}
