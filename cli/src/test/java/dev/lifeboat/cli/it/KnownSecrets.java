package dev.lifeboat.cli.it;

import dev.lifeboat.storage.s3.LocalS3Server;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The secrets an operator's setup holds, each a fresh random string that nothing else could
 * print by chance, and where it is placed: the environment of every bin/lifeboat process and
 * of PostgreSQL, or the configuration file. This is the one list the scrubbing tests look
 * for: a new kind of secret (a passphrase, a key file's content) is one more line here.
 */
final class KnownSecrets {

    /** In the environment: the S3 secret key the server accepts, a PostgreSQL password. */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "AWS_SECRET_ACCESS_KEY", LocalS3Server.SECRET_KEY,
            "PGPASSWORD", "pgpassword" + random(),
            "LIFEBOAT_PASSPHRASE", "passphrase" + random(), // a plain repository ignores it: it must still never show
            "LIFEBOAT_NEW_PASSPHRASE", "newpassphrase" + random());

    /** In the configuration file's schedule section (YAML key, value). */
    private static final Map<String, String> SCHEDULE_SECTION = Map.of(
            "job-store-password", "jobstorepassword" + random());

    /** In a URI's query: the job store's JDBC URL (the driver reads a password there). */
    static final String JOB_STORE_URL_PASSWORD = "jdbcurlpassword" + random();

    /** Secrets given where Lifeboat must refuse them (a URI's user info or query), never accepted. */
    static final String MISPLACED_IN_URI = "misplacedsecret" + random();
    /** An S3 secret key the server does not accept, and a session token: a run that fails to authenticate. */
    static final String WRONG_S3_SECRET = "wrongs3secret" + random();
    static final String S3_SESSION_TOKEN = "s3sessiontoken" + random();

    private KnownSecrets() {
    }

    /** The environment of every bin/lifeboat process and of the PostgreSQL servers. */
    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(ENVIRONMENT);
        env.put("AWS_ACCESS_KEY_ID", LocalS3Server.ACCESS_KEY);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    /** YAML lines for the 'schedule:' section (indented for it), holding the configured secrets. */
    static String scheduleSectionYaml(String indent) {
        StringBuilder yaml = new StringBuilder();
        SCHEDULE_SECTION.forEach((key, value) -> yaml.append(indent).append(key).append(": ").append(value).append('\n'));
        return yaml.toString();
    }

    /** Every secret, wherever it was placed. */
    static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>();
        ENVIRONMENT.forEach((name, value) -> all.put("$" + name, value));
        SCHEDULE_SECTION.forEach((key, value) -> all.put("schedule." + key, value));
        all.put("password in the job store URL", JOB_STORE_URL_PASSWORD);
        all.put("secret in a refused URI", MISPLACED_IN_URI);
        all.put("wrong S3 secret", WRONG_S3_SECRET);
        all.put("S3 session token", S3_SESSION_TOKEN);
        return all;
    }

    /** The first secret found in {@code bytes}, as "what", or null. */
    static String foundIn(byte[] bytes) {
        for (Map.Entry<String, String> secret : all().entrySet()) {
            if (indexOf(bytes, secret.getValue().getBytes(StandardCharsets.UTF_8)) >= 0) {
                return secret.getKey();
            }
        }
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String random() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
