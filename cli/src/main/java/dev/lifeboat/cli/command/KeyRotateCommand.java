package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.key.KeyRotateService;
import dev.lifeboat.storage.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Wrap an encrypted repository's data key with a new key: the current one from --key-file,",
                "--passphrase-command or LIFEBOAT_PASSPHRASE; the new one from --new-key-file, --new-passphrase-command",
                "or LIFEBOAT_NEW_PASSPHRASE. The descriptor is replaced atomically; no data object is rewritten;",
                "afterwards the old key is refused. To change the data key itself, init a new repository and replicate."})
public final class KeyRotateCommand extends LifeboatSubcommand {

    static final String NEW_PASSPHRASE_VARIABLE = "LIFEBOAT_NEW_PASSPHRASE";

    @Mixin
    RepositoryOption repo;

    @Mixin
    LockWaitOption lockWait;

    @Option(names = "--new-key-file", paramLabel = "FILE",
            description = "The new key: a file of 32 random bytes (raw or base64), mode 0600 (env LIFEBOAT_NEW_KEY_FILE).")
    String newKeyFile;

    @Option(names = "--new-passphrase-command", paramLabel = "CMD",
            description = "The new passphrase: the first line this shell command prints (env LIFEBOAT_NEW_PASSPHRASE_COMMAND). "
                    + "Else env " + NEW_PASSPHRASE_VARIABLE + ".")
    String newPassphraseCommand;

    public KeyRotateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        KeyEncryptionKeySource newKey = KeyOptions.of(newKeyFile, newPassphraseCommand, context.env().get(NEW_PASSPHRASE_VARIABLE),
                "--new-passphrase-command", NEW_PASSPHRASE_VARIABLE);
        if (newKey == KeyEncryptionKeySource.none()) {
            throw new LifeboatException(ErrorCode.KEY, "key rotate needs the new key and none was given",
                    "give --new-key-file FILE or --new-passphrase-command CMD, or set " + NEW_PASSPHRASE_VARIABLE);
        }
        KeyRotateService.Result result;
        try (BlobStore store = repo.openStore()) {
            result = new KeyRotateService().run(store, repo.keys(), newKey, lockWait.duration());
        }
        print(result, out -> {
            out.println("repository " + result.location() + ": data key now wrapped with the " + result.newKey());
            out.println("  the " + result.oldKey() + " no longer opens it; data objects were not rewritten");
        });
        return 0;
    }
}
