package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.retention.DurationText;
import dev.lifeboat.core.retention.ExpireRequest;
import dev.lifeboat.core.retention.ExpireResult;
import dev.lifeboat.core.retention.ExpireService;
import dev.lifeboat.core.retention.KnownGoodBackups;
import dev.lifeboat.core.retention.RetentionPlan;
import dev.lifeboat.core.retention.RetentionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

@Command(name = "expire", mixinStandardHelpOptions = true,
        description = {"Remove backups and WAL that the retention policy no longer keeps.",
                "Never removes a backup a kept diff/incr builds on, WAL a kept backup or the point-in-time window needs,",
                "the newest backup or the newest known-good one. Safe to kill at any point.",
                "Rules not given as flags come from the repository's 'retention' in the configuration file."})
public final class ExpireCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Option(names = "--keep-full", converter = NumberValues.PositiveInt.class, paramLabel = "N", description = "Keep the newest N full backups and what builds on them.")
    Integer keepFull;

    @Option(names = "--keep-within", converter = TextValues.PositiveDuration.class, paramLabel = "DURATION", description = "Keep every backup that ended within this long (e.g. 14d).")
    String keepWithin;

    @Option(names = "--pitr-window", converter = TextValues.PositiveDuration.class, paramLabel = "DURATION",
            description = "Keep every point of the last DURATION restorable (e.g. 7d): its base backup and all WAL after it.")
    String pitrWindow;

    @Option(names = "--orphan-age", converter = TextValues.PositiveDuration.class, paramLabel = "DURATION",
            description = "Remove data of backups that never got a manifest once this old (default: ${DEFAULT-VALUE}).", defaultValue = RetentionPolicy.DEFAULT_ORPHAN_AGE_TEXT)
    String orphanAge;

    @Option(names = "--dry-run", description = "Print what would be removed; change nothing.")
    boolean dryRun;

    @Mixin
    LockWaitOption lockWait;

    @Spec
    CommandSpec spec;

    public ExpireCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        RetentionPolicy policy = policy(repo.retention());
        Duration wait = lockWait.duration();
        try (Repository repository = repo.open()) {
            ExpireService service = new ExpireService(repository, KnownGoodBackups.provenByDrills(repository), Clock.systemUTC());
            ExpireResult result;
            if (dryRun) {
                result = service.run(new ExpireRequest(policy, true)); // a dry run leaves no trace, not even a record
            } else {
                // The lock first: an expire refused because another command holds it leaves no trace either.
                try (RepositoryLock lock = RepositoryLock.acquire(repository.store(), "expire", wait)) {
                    JobRunLog log = new JobRunLog(repository, Clock.systemUTC());
                    JobRunLog.Started started = log.start("expire", "expire", "command", null, "command");
                    try {
                        result = service.run(new ExpireRequest(policy, false), lock);
                    } catch (RuntimeException e) {
                        log.finish(started, JobRun.Outcome.FAILED, null, e.getMessage());
                        throw e;
                    }
                    log.finish(started, JobRun.Outcome.SUCCEEDED, result.summary(), null);
                }
            }
            ExpireResult printed = result;
            print(result, out -> printText(out, printed));
        }
        return 0;
    }

    /**
     * Each rule from its flag (or LIFEBOAT_* variable) when given, else from the repository's
     * 'retention' in the configuration file, else from the file's 'expire' section.
     */
    private RetentionPolicy policy(Map<String, String> configured) {
        String full = chosen("--keep-full", keepFull == null ? null : keepFull.toString(), configured);
        return new RetentionPolicy(full == null ? null : Integer.valueOf(full.strip()),
                duration(chosen("--keep-within", keepWithin, configured), "--keep-within"),
                duration(chosen("--pitr-window", pitrWindow, configured), "--pitr-window"),
                duration(chosen("--orphan-age", orphanAge, configured), "--orphan-age")).validated();
    }

    private String chosen(String option, String value, Map<String, String> configured) {
        String variable = context.env().get("LIFEBOAT_" + option.substring(2).toUpperCase(Locale.ROOT).replace('-', '_'));
        boolean explicit = spec.commandLine().getParseResult().hasMatchedOption(option) || (variable != null && !variable.isEmpty());
        String fromRepository = configured.get(option.substring(2));
        return explicit || fromRepository == null ? value : fromRepository;
    }

    private static void printText(PrintStream out, ExpireResult r) {
        out.println((r.dryRun() ? "dry run: " : "") + "policy: " + r.policy());
        for (RetentionPlan.BackupDecision b : r.backups()) {
            out.printf("  %-7s %-18s %-4s %s%n", b.keep() ? "keep" : r.dryRun() ? "would remove" : "removed", b.id(), b.type(),
                    String.join("; ", b.reasons()));
        }
        if (r.backups().isEmpty()) {
            out.println("  no backups");
        }
        String verb = r.dryRun() ? "would remove" : "removed";
        out.printf("WAL: %s %d file(s), %s%s%n", verb, r.walFilesRemoved(), InfoCommand.size(r.walBytesRemoved()),
                r.walKeptFrom() == null ? "" : "; kept from " + r.walKeptFrom());
        out.printf("data: %s %d object(s), %s%n", verb, r.dataObjectsRemoved(), InfoCommand.size(r.dataBytesRemoved()));
        for (String orphan : r.orphans()) {
            out.println("orphaned data of " + orphan + " (no manifest): " + verb);
        }
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
    }

    private static Duration duration(String text, String option) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.USAGE, option + ": " + e.getMessage(), "e.g. " + option + " 7d");
        }
    }
}
