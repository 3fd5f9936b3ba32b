package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

/**
 * The descriptor's record of an encrypted repository's data keyset: how it is wrapped, the ids of
 * its keys, and the keyset itself encrypted by the KEK with the repository's system identifier
 * as associated data (so a wrapped keyset copied into another cluster's descriptor fails).
 *
 * @param keyset base64 of Tink's encrypted keyset (AES-256-GCM under the KEK)
 */
public record WrappedKeyset(KeyWrapping wrapping, List<Long> keyIds, String keyset) {

    /** Generates a new data keyset and wraps it with the key {@code source} gives. */
    public static WrappedKeyset create(KeyEncryptionKeySource source, String systemIdentifier, String repository) {
        KeyWrapping wrapping = source.newWrapping();
        return wrap(DataKeyset.generate(), wrapping, source.keyEncryptionKey(wrapping, repository), systemIdentifier);
    }

    /**
     * An existing data keyset wrapped with the key {@code source} gives, for another repository of
     * the same cluster (replicate creating a replica that shares the source's data key).
     */
    public static WrappedKeyset wrap(DataKeyset keyset, KeyEncryptionKeySource source, String systemIdentifier, String repository) {
        KeyWrapping wrapping = source.newWrapping();
        return wrap(keyset, wrapping, source.keyEncryptionKey(wrapping, repository), systemIdentifier);
    }

    private static WrappedKeyset wrap(DataKeyset keyset, KeyWrapping wrapping, Aead kek, String systemIdentifier) {
        byte[] wrapped = keyset.wrap(kek, associatedData(systemIdentifier));
        return new WrappedKeyset(wrapping, keyset.keyIds(), Base64.getEncoder().encodeToString(wrapped));
    }

    /** The data keyset, or a KEY error naming the repository when the key does not open it. */
    public DataKeyset unwrap(KeyEncryptionKeySource source, String systemIdentifier, String repository) {
        if (!KeyWrapping.AES256_GCM.equals(wrapping.cipher())) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + repository + " wraps its data key with '"
                    + wrapping.cipher() + "', which this Lifeboat does not know", "upgrade Lifeboat");
        }
        Aead kek = source.keyEncryptionKey(wrapping, repository);
        byte[] wrapped;
        try {
            wrapped = Base64.getDecoder().decode(keyset);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "repository " + repository + ": the descriptor's wrapped data key is not base64",
                    "restore the descriptor from another copy of the repository");
        }
        try {
            return DataKeyset.unwrap(wrapped, kek, associatedData(systemIdentifier));
        } catch (GeneralSecurityException e) {
            throw new LifeboatException(ErrorCode.KEY, "the " + source.description() + " does not open repository " + repository
                    + " (wrong " + (wrapping.method().equals(KeyWrapping.PASSPHRASE) ? "passphrase" : "key file")
                    + ", or the descriptor was altered)", "give the key the repository was created or last rotated with");
        }
    }

    /** The same data keyset wrapped with the key {@code newSource} gives (key rotate): data objects stay as they are. */
    public WrappedKeyset rewrap(KeyEncryptionKeySource oldSource, KeyEncryptionKeySource newSource, String systemIdentifier,
                                String repository) {
        DataKeyset data = unwrap(oldSource, systemIdentifier, repository);
        KeyWrapping wrapping = newSource.newWrapping();
        return wrap(data, wrapping, newSource.keyEncryptionKey(wrapping, repository), systemIdentifier);
    }

    private static byte[] associatedData(String systemIdentifier) {
        return ("lifeboat repository of cluster " + systemIdentifier).getBytes(StandardCharsets.UTF_8);
    }
}
