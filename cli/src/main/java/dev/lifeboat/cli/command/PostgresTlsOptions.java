package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.TextValues;
import picocli.CommandLine.Option;

/** TLS towards the running cluster, as libpq's sslmode and sslrootcert; PGSSLMODE/PGSSLROOTCERT fill what is not given. */
public final class PostgresTlsOptions {

    @Option(names = "--pg-sslmode", converter = TextValues.PgSslMode.class, paramLabel = "MODE",
            description = "disable, allow, prefer, require, verify-ca or verify-full, as for psql (default: $PGSSLMODE,"
                    + " else prefer). Ignored on a unix socket.")
    String sslMode;

    @Option(names = "--pg-sslrootcert", paramLabel = "FILE",
            description = "Root CA certificates (PEM) for verify-ca and verify-full (default: $PGSSLROOTCERT, else ~/.postgresql/root.crt).")
    String sslRootCert;
}
