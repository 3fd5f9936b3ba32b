package dev.lifeboat.core.repo;

/**
 * A backup that cannot be restored because its manifest cannot be read, or because a backup
 * it builds on is missing or damaged. Listed so that commands can name it and leave it alone
 * rather than fail on it.
 *
 * @param manifestKey the manifest's key in the repository
 * @param reason      what is wrong, in a short phrase for users ("truncated", "parent X is damaged")
 * @param head        the manifest without file lists when it could be read (the chain is what is
 *                    broken), or null when the manifest itself is unreadable
 * @param brokenObject the manifest that is actually unreadable or missing: this backup's own, or
 *                    that of the first broken link of its chain
 */
public record DamagedBackup(String id, String manifestKey, String reason, BackupManifest head, String brokenObject) {

    /** Whether only the id is known (nothing about its type's chain, LSNs or data). */
    public boolean manifestUnreadable() {
        return head == null;
    }
}
