package dev.lifeboat.schedules;

import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.crypto.KeyFile;

/**
 * The key that opens a job's encrypted repository, from the job's keys named as the commands'
 * options (the job's own, its command's section of the configuration file, or the file's top
 * level): {@code key-file}, then {@code passphrase-command}, then LIFEBOAT_PASSPHRASE from the
 * daemon's environment. Plain repositories ignore it.
 */
final class JobKeys {

    static final String KEY_FILE = "key-file";
    static final String PASSPHRASE_COMMAND = "passphrase-command";
    static final String PASSPHRASE_VARIABLE = "LIFEBOAT_PASSPHRASE";
    static final String TO_KEY_FILE = "to-key-file";
    static final String TO_PASSPHRASE_COMMAND = "to-passphrase-command";
    static final String TO_PASSPHRASE_VARIABLE = "LIFEBOAT_TO_PASSPHRASE";

    private JobKeys() {
    }

    /** A new source for one run: a passphrase command runs at most once per run. */
    static KeyEncryptionKeySource of(JobDefinition job) {
        return KeyEncryptionKeySource.firstGiven(job.setting(KEY_FILE).orElse(null), job.setting(PASSPHRASE_COMMAND).orElse(null),
                System.getenv(PASSPHRASE_VARIABLE), "'" + PASSPHRASE_COMMAND + "' of schedule job '" + job.name() + "'", PASSPHRASE_VARIABLE);
    }

    /**
     * The key of a replication job's target, as replicate's --to-key-file, --to-passphrase-command
     * and LIFEBOAT_TO_PASSPHRASE give it; none when the target shares the repository's key.
     */
    static KeyEncryptionKeySource target(JobDefinition job) {
        return KeyEncryptionKeySource.firstGiven(job.setting(TO_KEY_FILE).orElse(null), job.setting(TO_PASSPHRASE_COMMAND).orElse(null),
                System.getenv(TO_PASSPHRASE_VARIABLE), "'" + TO_PASSPHRASE_COMMAND + "' of schedule job '" + job.name() + "'",
                TO_PASSPHRASE_VARIABLE);
    }

    /** Refuses, when the schedule is read, a key file that is missing or open to others (KEY). */
    static void check(JobDefinition job) {
        for (KeyEncryptionKeySource keys : new KeyEncryptionKeySource[] {of(job), target(job)}) {
            if (keys instanceof KeyFile keyFile) {
                keyFile.requireUsable();
            }
        }
    }
}
