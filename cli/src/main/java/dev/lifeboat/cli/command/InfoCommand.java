package dev.lifeboat.cli.command;

import dev.lifeboat.cli.CliContext;
import dev.lifeboat.core.info.InfoService;
import dev.lifeboat.core.info.RepositoryInfo;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.restore.RecoveryTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.time.Instant;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the backups in a repository and its archived WAL per timeline, with any gap.")
public final class InfoCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    public InfoCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        try (Repository repository = repo.open()) {
            RepositoryInfo info = new InfoService(repository).run();
            print(info, out -> printText(out, info));
        }
        return 0;
    }

    private static void printText(PrintStream out, RepositoryInfo info) {
        out.println("repository " + info.location());
        out.println("  cluster " + info.systemIdentifier() + ", PostgreSQL " + info.pgVersion() + ", compression " + info.compression());
        out.println();
        if (info.backups().isEmpty()) {
            out.println("no backups");
        } else {
            out.printf("%-18s %-4s %3s  %-22s %-22s %-12s %-12s %12s %12s%n", "BACKUP", "TYPE", "TL", "STARTED", "ENDED",
                    "START LSN", "STOP LSN", "SIZE", "STORED");
            for (RepositoryInfo.Backup b : info.backups()) {
                out.printf("%-18s %-4s %3d  %-22s %-22s %-12s %-12s %12s %12s%n", b.id(), b.type(), b.timeline(),
                        time(b.startTime()), time(b.stopTime()), b.startLsn(), b.stopLsn(), size(b.bytes()), size(b.storedBytes()));
            }
        }
        out.println();
        if (info.wal().isEmpty()) {
            out.println("no archived WAL");
        }
        for (RepositoryInfo.Timeline t : info.wal()) {
            out.printf("timeline %d%s: %d segments, %s .. %s, last archived %s%n", t.timeline(),
                    t.parent() == null ? "" : " (from timeline " + t.parent() + " at " + t.branchLsn() + ")",
                    t.segments(), t.firstSegment() == null ? "-" : t.firstSegment(), t.lastSegment() == null ? "-" : t.lastSegment(),
                    time(t.lastArchivedAt()));
            for (String gap : t.gaps()) {
                out.println("  GAP: missing " + gap);
            }
            if (t.streamedSegment() != null) {
                out.println("  streamed: " + t.streamedSegment() + " (its received part, stored " + time(t.streamedAt()) + ")");
            }
        }
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : RecoveryTarget.formatForPostgres(instant).replaceFirst("\\.\\d+", "");
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format("%.1f KiB", bytes / 1024.0);
    }
}
