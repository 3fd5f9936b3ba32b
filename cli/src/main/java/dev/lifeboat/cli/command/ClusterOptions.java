package dev.lifeboat.cli.command;

import dev.lifeboat.core.pg.ConnectionSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The running cluster a command works on: its data directory and how to connect to it. */
public final class ClusterOptions {

    @Option(names = "--pgdata", paramLabel = "DIR", description = "The cluster's data directory (default: $PGDATA).")
    Path pgdata;

    @Mixin
    PostgresOptions postgres;

    @Mixin
    PostgresTlsOptions tls;

    Path pgdata() {
        return LifeboatSubcommand.required(pgdata, "--pgdata", "pass the cluster's data directory (or set PGDATA)");
    }

    ConnectionSettings connection(Map<String, String> env) {
        return postgres.settings(env, tls);
    }
}
