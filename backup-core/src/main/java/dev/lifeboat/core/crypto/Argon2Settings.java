package dev.lifeboat.core.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id parameters that stretch a passphrase into a 32-byte KEK, stored in the descriptor so
 * that any Lifeboat derives the same key. The defaults follow RFC 9106's second recommendation
 * (64 MiB, 3 passes) with one lane: a stolen descriptor makes each guess cost 64 MiB of memory.
 *
 * @param salt 16 random bytes, base64
 */
public record Argon2Settings(String algorithm, int memoryKiB, int iterations, int parallelism, String salt) {

    public static final String ARGON2ID = "argon2id";
    static final int DEFAULT_MEMORY_KIB = 64 * 1024;
    static final int DEFAULT_ITERATIONS = 3;
    static final int DEFAULT_PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The default parameters with a fresh random salt. */
    public static Argon2Settings fresh() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new Argon2Settings(ARGON2ID, DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM,
                Base64.getEncoder().encodeToString(salt));
    }

    /** The 32-byte key this passphrase stretches to. */
    byte[] derive(String passphrase) {
        if (!ARGON2ID.equals(algorithm) || memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException("unsupported key derivation " + this);
        }
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(Base64.getDecoder().decode(salt))
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] key = new byte[32];
        generator.generateBytes(passphrase.getBytes(StandardCharsets.UTF_8), key);
        return key;
    }
}
