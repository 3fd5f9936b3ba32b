package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.pg.ConnectionSettings;
import picocli.CommandLine.Option;

/**
 * A backup taken on a standby, and how to reach its primary. The primary is reached as the
 * standby is (same role, database, password source and TLS), at its own host and port.
 */
public final class StandbyOptions {

    @Option(names = "--from-standby",
            description = {"--pgdata and --pg-port/--pg-host name a standby: the backup runs there and its files are read",
                    "there; the WAL comes from the primary's archiving (or the standby's, with archive_mode = always)."})
    boolean fromStandby;

    @Option(names = "--primary-host", paramLabel = "HOST",
            description = "With --from-standby: the primary's host or socket directory, asked to switch WAL after the backup (default: --pg-host's).")
    String primaryHost;

    @Option(names = "--primary-port", converter = NumberValues.Port.class, paramLabel = "PORT",
            description = {"With --from-standby: the primary's port (default: 5432 when --primary-host is given). Without",
                    "--primary-port or --primary-host, the backup waits for the primary to archive its stop segment by itself."})
    Integer primaryPort;

    /** The primary's connection, or null when neither --primary-host nor --primary-port is given. */
    ConnectionSettings primary(ConnectionSettings standby) {
        if (primaryHost == null && primaryPort == null) {
            return null;
        }
        return standby.atServer(primaryHost, primaryPort);
    }
}
