package dev.lifeboat.core.check;

/**
 * The warning and critical limits of every monitored check. Ages are in seconds, slot lag in
 * bytes, free space in percent. Their defaults live with the options that set them (the CLI's
 * MonitorThresholdOptions), where the help shows them.
 *
 * @param backupAge       since the newest backup ended
 * @param archiveAge      since the newest WAL was archived
 * @param readyBacklog    WAL files PostgreSQL has marked ready and not yet archived
 * @param archiverFailures failures of the archiver since it last archived a file
 * @param slotLag         WAL a replication slot keeps on the server
 * @param drillAge        since the newest passing drill finished
 * @param freeSpace       free space of a directory repository's file system (a lower bound)
 * @param repositoryLag   how far a repository's newest archived WAL is behind the newest of all
 *                        configured repositories
 * @param rpo             the measured RPO: the newest commit of the cluster not yet restorable, in seconds
 */
public record MonitorLimits(Threshold backupAge, Threshold archiveAge, Threshold readyBacklog, Threshold archiverFailures,
                            Threshold slotLag, Threshold drillAge, Threshold freeSpace, Threshold repositoryLag, Threshold rpo) {

    /** Limits without an RPO limit. */
    public MonitorLimits(Threshold backupAge, Threshold archiveAge, Threshold readyBacklog, Threshold archiverFailures,
                         Threshold slotLag, Threshold drillAge, Threshold freeSpace, Threshold repositoryLag) {
        this(backupAge, archiveAge, readyBacklog, archiverFailures, slotLag, drillAge, freeSpace, repositoryLag, Threshold.off());
    }
}
