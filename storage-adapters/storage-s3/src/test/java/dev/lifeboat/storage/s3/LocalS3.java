package dev.lifeboat.storage.s3;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gives a test class a started {@link LocalS3Server}, and its credentials through the AWS SDK's
 * default chain (the aws.accessKeyId and aws.secretAccessKey system properties, which the chain
 * reads first), as an operator's environment would:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LocalS3 S3 = new LocalS3();
 * ... BlobStores.open(S3.server().uri(LocalS3Server.EU_BUCKET, "some/prefix")) ...
 * </pre>
 *
 * <p>The properties are set for the class only and the previous values put back after it, so
 * the test credentials never reach later tests in the same JVM. Classes that run at the same
 * time share them (they are the same for every server in the JVM); the last one out restores.
 */
public final class LocalS3 implements BeforeAllCallback, AfterAllCallback {

    static final String ACCESS_KEY_PROPERTY = "aws.accessKeyId";
    static final String SECRET_KEY_PROPERTY = "aws.secretAccessKey";
    static final String SESSION_TOKEN_PROPERTY = "aws.sessionToken";

    private static final Object LOCK = new Object();
    private static int users;
    private static Map<String, String> saved;

    private LocalS3Server server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = LocalS3Server.start();
        synchronized (LOCK) {
            if (users++ == 0) {
                saved = new HashMap<>();
                set(ACCESS_KEY_PROPERTY, LocalS3Server.ACCESS_KEY);
                set(SECRET_KEY_PROPERTY, LocalS3Server.SECRET_KEY);
                set(SESSION_TOKEN_PROPERTY, null);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        synchronized (LOCK) {
            if (--users == 0) {
                saved.forEach(LocalS3::restore);
                saved = null;
            }
        }
        server.close();
    }

    /** The server of the running test class. */
    public LocalS3Server server() {
        if (server == null) {
            throw new IllegalStateException("LocalS3 must be a static @RegisterExtension field");
        }
        return server;
    }

    /**
     * Runs {@code call} while the default chain yields {@code secretKey} instead of the right
     * one, for tests of refused credentials; not for tests that run in parallel with others.
     */
    public <T> T withSecretKey(String secretKey, Supplier<T> call) {
        synchronized (LOCK) {
            String right = System.getProperty(SECRET_KEY_PROPERTY);
            System.setProperty(SECRET_KEY_PROPERTY, secretKey);
            try {
                return call.get();
            } finally {
                System.setProperty(SECRET_KEY_PROPERTY, right);
            }
        }
    }

    private static void set(String name, String value) {
        saved.put(name, System.getProperty(name));
        restore(name, value);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
