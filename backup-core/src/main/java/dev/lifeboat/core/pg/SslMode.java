package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * libpq's sslmode, whose names the JDBC driver's {@code sslmode} property shares, with the same
 * meaning: {@code prefer} (the default) tries TLS without checking the certificate,
 * {@code verify-ca} checks it against the root CA file, {@code verify-full} also that it names the host.
 */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The name libpq, PGSSLMODE and the driver use: "verify-ca". */
    public String libpqName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the server's certificate is checked against a root CA. */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** {@code where} names the setting for the message ("--pg-sslmode", "PGSSLMODE"). */
    public static SslMode parse(String text, String where) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (SslMode mode : values()) {
            if (mode.libpqName().equals(wanted)) {
                return mode;
            }
        }
        throw new LifeboatException(ErrorCode.USAGE, where + " '" + text + "' is not an sslmode",
                "use one of " + Arrays.stream(values()).map(SslMode::libpqName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return libpqName();
    }
}
