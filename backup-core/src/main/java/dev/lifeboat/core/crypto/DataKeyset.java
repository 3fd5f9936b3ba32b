package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keyset that encrypts a repository's objects: Tink streaming AEAD AES256_GCM_HKDF_1MB.
 * Each object gets its own key, derived with HKDF-SHA256 from the keyset's key and a random salt
 * written in the object's header, and its segments are AES-256-GCM with nonces made of a random
 * prefix and the segment number: no nonce repeats under a key, and truncating, reordering or
 * swapping segments fails authentication. Memory stays bounded by one 1 MiB segment.
 */
public final class DataKeyset {

    /** What the descriptor's {@code encryption} field says for this scheme. */
    public static final String ALGORITHM = "aes256-gcm-hkdf-1mb";
    /** Bytes per ciphertext segment, and the overheads of AES256_GCM_HKDF_1MB (header: size byte, 32-byte salt, 7-byte nonce prefix). */
    static final long SEGMENT_BYTES = 1 << 20;
    static final long HEADER_BYTES = 1 + 32 + 7;
    static final long TAG_BYTES = 16;

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeysetHandle handle;
    private final StreamingAead aead;

    private DataKeyset(KeysetHandle handle) {
        this.handle = handle;
        try {
            this.aead = handle.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot use the repository's data keyset: " + e.getMessage(), null, e);
        }
    }

    /** A new random keyset (init --encrypt). */
    public static DataKeyset generate() {
        try {
            return new DataKeyset(KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB));
        } catch (GeneralSecurityException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot generate a data keyset: " + e.getMessage(), null, e);
        }
    }

    /** The keyset encrypted with the KEK, bound to {@code associatedData}; never stored otherwise. */
    byte[] wrap(Aead kek, byte[] associatedData) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, kek, associatedData);
        } catch (GeneralSecurityException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot wrap the data keyset: " + e.getMessage(), null, e);
        }
    }

    /** Unwraps; a wrong KEK or other associated data fails with {@link GeneralSecurityException}. */
    static DataKeyset unwrap(byte[] wrapped, Aead kek, byte[] associatedData) throws GeneralSecurityException {
        return new DataKeyset(TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek, associatedData));
    }

    /** The ids of the keyset's keys (public: they identify, never reveal, a key). */
    List<Long> keyIds() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            ids.add(Integer.toUnsignedLong(handle.getAt(i).getId()));
        }
        return ids;
    }

    OutputStream encrypting(OutputStream ciphertext, String objectKey) throws IOException {
        try {
            return aead.newEncryptingStream(ciphertext, associatedData(objectKey));
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    InputStream decrypting(InputStream ciphertext, String objectKey) throws IOException {
        try {
            return aead.newDecryptingStream(ciphertext, associatedData(objectKey));
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Whether {@code other} holds exactly these keys (same ids, same key material): objects one
     * encrypts, the other decrypts, so replicate may copy them as stored.
     */
    public boolean sameKeysAs(DataKeyset other) {
        return handle.equalsKeyset(other.handle);
    }

    /**
     * The plaintext of an object read as stored ({@code ciphertext}), authenticated as it is read
     * against this keyset and the object's name; a failure names {@code objectKey} in {@code location}.
     */
    public InputStream authenticated(InputStream ciphertext, String objectKey, String location) {
        return AuthenticatedInputStream.open(ciphertext, this, objectKey, location);
    }

    /** Binds an object to its name (which holds its kind: data/, wal/, backups/...): stored under another, it fails. */
    private static byte[] associatedData(String objectKey) {
        return ("lifeboat object " + objectKey).getBytes(StandardCharsets.UTF_8);
    }

    /** The plaintext size of an object whose ciphertext has {@code ciphertextBytes}: header once, a tag per segment. */
    static long plaintextSize(long ciphertextBytes) {
        long segments = Math.max(1, (ciphertextBytes + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
        return Math.max(0, ciphertextBytes - HEADER_BYTES - segments * TAG_BYTES);
    }
}
