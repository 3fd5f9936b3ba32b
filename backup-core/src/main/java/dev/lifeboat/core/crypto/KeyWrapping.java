package dev.lifeboat.core.crypto;

/**
 * How a repository's data keyset is wrapped, as the descriptor records it (never the key).
 *
 * @param method {@link #KEY_FILE} or {@link #PASSPHRASE}; a KMS source would add its own
 * @param cipher the AEAD that wraps the keyset with the KEK
 * @param kdf    how a passphrase is stretched into the KEK; null for a key file
 */
public record KeyWrapping(String method, String cipher, Argon2Settings kdf) {

    public static final String KEY_FILE = "key-file";
    public static final String PASSPHRASE = "passphrase";
    public static final String AES256_GCM = "aes256-gcm";

    /** For messages: "a key file", "a passphrase". */
    public String describe() {
        return switch (method) {
            case KEY_FILE -> "a key file";
            case PASSPHRASE -> "a passphrase";
            default -> "'" + method + "'";
        };
    }
}
