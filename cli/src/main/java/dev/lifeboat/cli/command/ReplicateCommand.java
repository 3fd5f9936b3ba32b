package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.ConfiguredRepositories;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.common.TerminalProgress;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.archive.WalCatchUpQueue;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.replicate.ReplicateRequest;
import dev.lifeboat.core.replicate.ReplicateResult;
import dev.lifeboat.core.replicate.ReplicateService;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.storage.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Copy the backups and WAL that one repository has and another lacks (e.g. to another region).",
                "Every object is checked as it is copied; a backup's manifest is copied last, so a half-copied backup",
                "never shows in the target. Running it again (after a failure, or a kill) copies only what is missing.",
                "FROM and TO are names from the configuration's 'repositories' list, or locations.",
                "Encrypted: TO is opened with --to-key-file / --to-passphrase-command / LIFEBOAT_TO_PASSPHRASE, else with the",
                "source's key. Repositories sharing a data key get the ciphertext as stored (authenticated on the way);",
                "otherwise objects are decrypted and encrypted again with TO's key."})
public final class ReplicateCommand extends LifeboatSubcommand {

    @Option(names = "--from", converter = TextValues.StoreLocation.class, paramLabel = "NAME|DIR|URI",
            description = "Repository to copy from (default: the first configured one that is not --to).")
    String from;

    @Option(names = "--to", converter = TextValues.StoreLocation.class, paramLabel = "NAME|DIR|URI", description = "Repository to copy to; created when it is new.")
    String to;

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", defaultValue = ReplicateRequest.DEFAULT_JOBS_TEXT,
            description = "Objects copied at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--to-key-file", paramLabel = "FILE",
            description = "Key of the target when it is encrypted with another key than the source: a file of 32 random bytes, "
                    + "mode 0600 (env LIFEBOAT_TO_KEY_FILE, config 'to-key-file'). Default: the source's key.")
    String toKeyFile;

    @Option(names = "--to-passphrase-command", paramLabel = "CMD",
            description = "Passphrase of the target: the first line this shell command prints (env LIFEBOAT_TO_PASSPHRASE_COMMAND, "
                    + "config 'to-passphrase-command'). Else env " + ReplicateCommand.TO_PASSPHRASE_VARIABLE + ".")
    String toPassphraseCommand;

    @Option(names = "--to-data-key", paramLabel = "same|new", converter = DataKeyChoice.class,
            description = "Data key of an encrypted target that replicate creates: 'same' (the source's, wrapped under the target's "
                    + "key; objects are copied as ciphertext) or 'new' (objects are re-encrypted). Default: same when the target "
                    + "uses the source's key, new when a target key is given.")
    ReplicateRequest.NewDataKey toDataKey;

    @Mixin
    StoreOptions store;

    @Mixin
    LockWaitOption lockWait;

    static final String TO_PASSPHRASE_VARIABLE = "LIFEBOAT_TO_PASSPHRASE";

    public ReplicateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        required(to, "--to", "name the repository to copy to: a configured name, a directory or a store URI");
        List<RepositoryConfig> configured = ConfiguredRepositories.of(context.config());
        RepositoryConfig target = resolve(to, configured);
        RepositoryConfig source = from != null ? resolve(from, configured)
                : configured.stream().filter(m -> !RepositoryOption.sameLocation(m.location(), target.location())).findFirst()
                .orElseThrow(() -> new LifeboatException(ErrorCode.USAGE, "--from is required",
                        "name the repository to copy from, or configure 'repositories'"));
        if (RepositoryOption.sameLocation(source.location(), target.location())) {
            throw new LifeboatException(ErrorCode.USAGE, "--from and --to are the same repository", "copy to another repository");
        }
        KeyEncryptionKeySource sourceKeys = store.keys(context);
        KeyEncryptionKeySource givenTargetKeys = KeyOptions.of(toKeyFile, toPassphraseCommand, context.env().get(TO_PASSPHRASE_VARIABLE),
                "--to-passphrase-command", TO_PASSPHRASE_VARIABLE);
        boolean targetKeyGiven = givenTargetKeys != KeyEncryptionKeySource.none();
        KeyEncryptionKeySource targetKeys = targetKeyGiven ? givenTargetKeys : sourceKeys;
        ReplicateRequest.NewDataKey dataKey = toDataKey != null ? toDataKey : ReplicateRequest.NewDataKey.defaultFor(targetKeyGiven);
        ReplicateResult result;
        try (Repository sourceRepository = Repository.open(store.open(context, source.location()), sourceKeys);
             BlobStore targetStore = store.open(context, target.location())) {
            result = new ReplicateService(sourceRepository, targetStore, targetKeys, lockWait.duration()).run(ReplicateRequest.builder()
                    .jobs(jobs).newDataKey(dataKey)
                    .progress(TerminalProgress.forTerminal(err(), common().output == OutputFormat.text)).build());
        }
        Optional<WalCatchUpQueue.Drained> unqueued = unqueue(configured, target);
        print(result, out -> printText(out, result, unqueued));
        if (!result.complete()) {
            ReplicateResult.Problem first = result.problems().get(0);
            throw new LifeboatException(first.code(), result.problems().size() + " object(s) or backup(s) not copied to "
                    + result.to() + "; first: " + first.message(),
                    "fix the cause and run replicate again: it copies only what is missing");
        }
        return 0;
    }

    /** 'same' or 'new'. */
    static final class DataKeyChoice implements picocli.CommandLine.ITypeConverter<ReplicateRequest.NewDataKey> {
        @Override
        public ReplicateRequest.NewDataKey convert(String value) {
            try {
                return ReplicateRequest.NewDataKey.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A configured name, else a location. */
    private static RepositoryConfig resolve(String value, List<RepositoryConfig> configured) {
        return configured.stream().filter(m -> m.name().equals(value)).findFirst()
                .orElseGet(() -> configured.stream().filter(m -> RepositoryOption.sameLocation(m.location(), value)).findFirst()
                        .orElseGet(() -> {
                            if (RepositoryConfig.isValidName(value) && !configured.isEmpty() && !value.contains("/")) {
                                throw new LifeboatException(ErrorCode.USAGE, "no repository named '" + value + "' is configured",
                                        "give a configured name or a location (a directory or a store URI)");
                            }
                            return RepositoryConfig.of("given", value);
                        }));
    }

    /** WAL queued for the target (wal-push could not reach it) is there now: the queue is emptied. */
    private Optional<WalCatchUpQueue.Drained> unqueue(List<RepositoryConfig> configured, RepositoryConfig target) {
        boolean queued = configured.stream().anyMatch(m -> m.name().equals(target.name()) && !m.required());
        if (!queued) {
            return Optional.empty();
        }
        try (RepositorySet repositories = new RepositorySet(configured, location -> store.open(context, location), store.keys(context))) {
            Optional<WalCatchUpQueue.Drained> drained = repositories.catchUp(target.name(), Duration.ofHours(1));
            repositories.warnings().forEach(w -> err().println("lifeboat: warning: " + w));
            return drained;
        }
    }

    private static void printText(PrintStream out, ReplicateResult r, Optional<WalCatchUpQueue.Drained> unqueued) {
        out.printf("replicated %s -> %s%s%n", r.from(), r.to(), r.initialized() ? " (new repository)" : "");
        out.printf("  WAL      %,d copied, %,d there already%n", r.walCopied(), r.walPresent());
        out.printf("  backups  %,d copied, %,d there already%n", r.backupsCopied(), r.backupsPresent());
        out.printf("  %,d objects, %,.1f MB in %.1f s%n", r.objectsCopied(), r.bytesCopied() / 1e6, r.elapsed().toNanos() / 1e9);
        switch (r.transfer()) {
            case CIPHERTEXT -> out.printf("  %,d objects copied as ciphertext (same data key), authenticated on the way%n",
                    r.objectsCopiedAsCiphertext());
            case REENCRYPTED -> out.println("  objects decrypted and encrypted again for the target's key");
            case ENCRYPTED -> out.println("  objects encrypted for the target's key");
            case DECRYPTED -> out.println("  objects decrypted: the target is not encrypted and holds them in the clear");
            case PLAIN -> {
            }
        }
        unqueued.ifPresent(d -> out.printf("  queue    %d unqueued%s%n", d.copied() + d.alreadyThere(),
                d.complete() ? ", empty" : ", not empty yet"));
        for (ReplicateResult.Problem p : r.problems()) {
            out.println("  NOT COPIED " + p.what() + ": " + p.message());
        }
    }
}
