package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.ThresholdValues;
import dev.lifeboat.core.check.MonitorLimits;
import dev.lifeboat.core.check.Threshold;
import picocli.CommandLine.Option;

import java.util.OptionalDouble;

/**
 * The warning and critical limit of each monitored check (--output nagios, prometheus and json).
 * Like every option, each may come from LIFEBOAT_BACKUP_AGE_WARNING and the like, or from the
 * configuration file's key of the same name. The defaults are written here only (picocli shows
 * them in the help).
 */
public final class MonitorThresholdOptions {

    @Option(names = "--backup-age-warning", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "26h",
            description = "Warn when the newest backup ended longer ago than this (default: ${DEFAULT-VALUE}; 'off' for none).")
    OptionalDouble backupAgeWarning;

    @Option(names = "--backup-age-critical", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "50h",
            description = "Critical when the newest backup ended longer ago than this (default: ${DEFAULT-VALUE}).")
    OptionalDouble backupAgeCritical;

    @Option(names = "--archive-age-warning", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "1h",
            description = {"Warn when the newest WAL was archived longer ago than this (default: ${DEFAULT-VALUE}; set",
                    "archive_timeout so that an idle cluster still archives)."})
    OptionalDouble archiveAgeWarning;

    @Option(names = "--archive-age-critical", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "4h",
            description = "Critical when the newest WAL was archived longer ago than this (default: ${DEFAULT-VALUE}).")
    OptionalDouble archiveAgeCritical;

    @Option(names = "--ready-warning", converter = ThresholdValues.Count.class, paramLabel = "N", defaultValue = "16",
            description = "With --pgdata: warn when more WAL files than this wait to be archived (default: ${DEFAULT-VALUE}).")
    OptionalDouble readyWarning;

    @Option(names = "--ready-critical", converter = ThresholdValues.Count.class, paramLabel = "N", defaultValue = "64",
            description = "With --pgdata: critical when more WAL files than this wait to be archived (default: ${DEFAULT-VALUE}).")
    OptionalDouble readyCritical;

    @Option(names = "--archiver-failures-warning", converter = ThresholdValues.Count.class, paramLabel = "N", defaultValue = "0",
            description = "With --pgdata: warn when the archiver failed more often than this since it last succeeded (default: ${DEFAULT-VALUE}).")
    OptionalDouble archiverFailuresWarning;

    @Option(names = "--archiver-failures-critical", converter = ThresholdValues.Count.class, paramLabel = "N", defaultValue = "10",
            description = "With --pgdata: critical when it failed more often than this (default: ${DEFAULT-VALUE}).")
    OptionalDouble archiverFailuresCritical;

    @Option(names = "--slot-lag-warning", converter = ThresholdValues.Mebibytes.class, paramLabel = "MiB", defaultValue = "512",
            description = "With --pgdata: warn when a replication slot keeps more WAL than this (default: ${DEFAULT-VALUE}).")
    OptionalDouble slotLagWarning;

    @Option(names = "--slot-lag-critical", converter = ThresholdValues.Mebibytes.class, paramLabel = "MiB", defaultValue = "1024",
            description = "With --pgdata: critical when a slot keeps more WAL than this (default: ${DEFAULT-VALUE}).")
    OptionalDouble slotLagCritical;

    @Option(names = "--drill-age-warning", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "8d",
            description = "Warn when no drill passed within this long, or none ever did (default: ${DEFAULT-VALUE}).")
    OptionalDouble drillAgeWarning;

    @Option(names = "--drill-age-critical", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "15d",
            description = "Critical when no drill passed within this long (default: ${DEFAULT-VALUE}).")
    OptionalDouble drillAgeCritical;

    @Option(names = "--free-space-warning", converter = ThresholdValues.Percent.class, paramLabel = "PERCENT", defaultValue = "10%",
            description = "A directory repository: warn when less of its file system than this is free (default: ${DEFAULT-VALUE}).")
    OptionalDouble freeSpaceWarning;

    @Option(names = "--free-space-critical", converter = ThresholdValues.Percent.class, paramLabel = "PERCENT", defaultValue = "5%",
            description = "Critical when less than this is free (default: ${DEFAULT-VALUE}).")
    OptionalDouble freeSpaceCritical;

    @Option(names = "--repository-lag-warning", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "15m",
            description = {"With several configured repositories: warn when one's newest archived WAL is this far behind the",
                    "newest in any of them (default: ${DEFAULT-VALUE})."})
    OptionalDouble repositoryLagWarning;

    @Option(names = "--repository-lag-critical", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "1h",
            description = "Critical when it is this far behind (default: ${DEFAULT-VALUE}).")
    OptionalDouble repositoryLagCritical;

    @Option(names = "--rpo-warning", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "15m",
            description = {"With --pgdata: warn when the measured RPO (the cluster's newest commit a restore made now would",
                    "lose) is longer than this (default: ${DEFAULT-VALUE})."})
    OptionalDouble rpoWarning;

    @Option(names = "--rpo-critical", converter = ThresholdValues.Age.class, paramLabel = "DURATION", defaultValue = "1h",
            description = "With --pgdata: critical when the measured RPO is longer than this (default: ${DEFAULT-VALUE}).")
    OptionalDouble rpoCritical;

    MonitorLimits limits() {
        return new MonitorLimits(Threshold.above(value(backupAgeWarning), value(backupAgeCritical)),
                Threshold.above(value(archiveAgeWarning), value(archiveAgeCritical)),
                Threshold.above(value(readyWarning), value(readyCritical)),
                Threshold.above(value(archiverFailuresWarning), value(archiverFailuresCritical)),
                Threshold.above(value(slotLagWarning), value(slotLagCritical)),
                Threshold.above(value(drillAgeWarning), value(drillAgeCritical)),
                Threshold.below(value(freeSpaceWarning), value(freeSpaceCritical)),
                Threshold.above(value(repositoryLagWarning), value(repositoryLagCritical)),
                Threshold.above(value(rpoWarning), value(rpoCritical)));
    }

    private static Double value(OptionalDouble limit) {
        return limit == null || limit.isEmpty() ? null : limit.getAsDouble();
    }
}
