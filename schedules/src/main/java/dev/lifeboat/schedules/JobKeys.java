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

    private JobKeys() {
    }

    /** A new source for one run: a passphrase command runs at most once per run. */
    static KeyEncryptionKeySource of(JobDefinition job) {
        return KeyEncryptionKeySource.firstGiven(job.setting(KEY_FILE).orElse(null), job.setting(PASSPHRASE_COMMAND).orElse(null),
                System.getenv(PASSPHRASE_VARIABLE), "'" + PASSPHRASE_COMMAND + "' of schedule job '" + job.name() + "'", PASSPHRASE_VARIABLE);
    }

    /** Refuses, when the schedule is read, a key file that is missing or open to others (KEY). */
    static void check(JobDefinition job) {
        if (of(job) instanceof KeyFile keyFile) {
            keyFile.requireUsable();
        }
    }
}
