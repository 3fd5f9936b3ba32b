package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The key of encrypted repositories, in order of preference: a key file, a command that prints
 * the passphrase (a secret manager), the LIFEBOAT_PASSPHRASE variable (the weakest). There is
 * deliberately no option that takes a passphrase: a command line is visible in ps. Plain
 * repositories ignore the key.
 */
public final class KeyOptions {

    /** The variable that holds a passphrase itself (no option stands for it). */
    static final String PASSPHRASE_VARIABLE = "LIFEBOAT_PASSPHRASE";

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Key of an encrypted repository: a file of 32 random bytes (raw or base64), mode 0600, owned by "
                    + "the user running Lifeboat (env LIFEBOAT_KEY_FILE, config 'key-file').")
    String keyFile;

    @Option(names = "--passphrase-command", paramLabel = "CMD",
            description = "Passphrase of an encrypted repository: the first line this shell command prints, e.g. a secret "
                    + "manager's client (env LIFEBOAT_PASSPHRASE_COMMAND, config 'passphrase-command'). Else env LIFEBOAT_PASSPHRASE.")
    String passphraseCommand;

    private KeyEncryptionKeySource source;

    /** The key given, or {@link KeyEncryptionKeySource#none()}; made once, so a passphrase command runs at most once. */
    synchronized KeyEncryptionKeySource source(CliContext context) {
        if (source == null) {
            source = of(keyFile, passphraseCommand, context.env().get(PASSPHRASE_VARIABLE), "--passphrase-command", PASSPHRASE_VARIABLE);
        }
        return source;
    }

    /**
     * What a wal-push / wal-fetch that PostgreSQL runs needs to open the repositories: the key
     * file, by absolute path (a file name, never a secret). A passphrase is not passed on: it
     * would show in ps and in postgresql.auto.conf.
     */
    java.util.List<String> arguments() {
        String file = keyFileArgument();
        return file == null ? java.util.List.of() : java.util.List.of("--key-file", file);
    }

    /** The key file as {@link #arguments()} passes it (absolute), or null when none is given. */
    String keyFileArgument() {
        return keyFile == null || keyFile.isBlank() ? null : Path.of(keyFile).toAbsolutePath().normalize().toString();
    }

    /** The first of a key file, a passphrase command and a passphrase that is given. */
    static KeyEncryptionKeySource of(String keyFile, String command, String passphrase, String commandOption, String variable) {
        return KeyEncryptionKeySource.firstGiven(keyFile, command, passphrase, commandOption, variable);
    }
}
