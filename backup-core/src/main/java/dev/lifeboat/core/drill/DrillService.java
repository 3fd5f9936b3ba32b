package dev.lifeboat.core.drill;

import dev.lifeboat.core.LifeboatVersion;
import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.ReadLease;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.pg.ShutdownMode;
import dev.lifeboat.core.pg.StartupPhase;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.DrillRecord.Check;
import dev.lifeboat.core.repo.DrillRecord.CheckVerdict;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.core.restore.RestorePlan;
import dev.lifeboat.core.restore.RestoreRequest;
import dev.lifeboat.core.restore.RestoreService;
import dev.lifeboat.storage.StorageException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restore drill: the backup is restored into a scratch directory, started on a free port
 * (it fetches WAL from the repository and never archives), checked, stopped and removed; the
 * verdict is recorded in the repository. The source cluster is never contacted.
 *
 * <p>Once a backup has been chosen, every failure (a corrupt object, recovery that fails, a
 * check that fails) becomes a failed check in a recorded drill: the backup is then not
 * known-good. Failures before that (no backup, no free port, no server binaries) are thrown
 * and recorded nowhere.
 */
public final class DrillService {

    private static final String RESTORE = "restore";
    private static final String RECOVERY = "recovery";
    private static final String SYSTEM_IDENTIFIER = "system identifier";
    private static final String AMCHECK = "amcheck";
    private static final String ROW_COUNTS = "row counts";

    private final Repository repository;
    private final List<String> walSource;

    public DrillService(Repository repository) {
        this(repository, List.of("--repo", repository.location()));
    }

    /**
     * @param walSource the arguments the scratch instance's restore_command passes wal-fetch to
     *                  name the repository and its key (e.g. --repo URI --key-file FILE): the
     *                  store's location alone is only a description (an S3 store's lacks its
     *                  endpoint) and carries no key
     */
    public DrillService(Repository repository, List<String> walSource) {
        this.repository = repository;
        this.walSource = List.copyOf(walSource);
    }

    public DrillResult run(DrillRequest request) {
        if (request.target() instanceof RecoveryTarget.LastKnownGood) {
            throw new LifeboatException(ErrorCode.USAGE, "a drill proves a backup; it cannot target last-known-good",
                    "drill a backup (--backup ID or latest) to a target such as --target latest or immediate");
        }
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        ProgressListener progress = request.progress();
        ScratchDirectory scratch = request.scratchParent() == null
                ? ScratchDirectory.create("lifeboat-drill-")
                : ScratchDirectory.createIn(request.scratchParent(), "lifeboat-drill-");
        PortReservation port;
        try {
            // Found out now, not as a failed drill: the server user must reach the scratch directory.
            ServerUser.detect().requireReachable(scratch.path());
            port = FreePort.reserve();
        } catch (RuntimeException e) {
            scratch.close();
            throw e;
        }
        ScratchInstance instance = new ScratchInstance(scratch, port);
        Thread cleanupOnExit = new Thread(instance::remove, "lifeboat-drill-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        boolean kept = false;
        try {
            RestoreService restore = new RestoreService(repository, walSource);
            RestoreRequest restoreRequest = restoreRequest(request, instance);
            RestorePlan plan = restore.plan(restoreRequest);
            instance.binaries = RestoreService.serverBinaries(plan.backup(), restoreRequest);
            Duration planDuration = Duration.ofNanos(System.nanoTime() - started);
            String drillId = DrillRecord.newId(startedAt);
            DrillRecord record;
            // Held for the whole drill, so that expire keeps the backup, its chain and its WAL.
            try (ReadLease lease = ReadLease.take(repository.store(), plan.backup().id(), "drill")) {
                if (lease.unprotected() != null) {
                    progress.step(lease.unprotected());
                }
                // Read again now that the lease is held: a backup expired meanwhile is "no backup" (exit 4), not a failed drill.
                repository.backups().read(plan.backup().id());
                progress.step("drill " + drillId + " of backup " + plan.backup().id() + " in " + scratch.path() + " on port " + port.port());

                Drill drill = new Drill(plan, planDuration);
                drill.restoreAndStart(restore, restoreRequest, instance);
                if (instance.startup != null) {
                    drill.check(request);
                }
                kept = request.keep() && instance.startup != null;
                if (!kept) {
                    instance.remove();
                }
                record = drill.record(drillId, startedAt, request, Duration.ofNanos(System.nanoTime() - started));
            }
            String key = null;
            String recordFailure = null;
            try {
                key = repository.drills().record(record);
            } catch (RuntimeException e) {
                recordFailure = "cannot record the drill in " + repository.location() + ": " + e.getMessage();
            }
            return new DrillResult(record, key, recordFailure, kept ? instance.pgdata().toString() : null, kept ? port.port() : null);
        } finally {
            if (!kept) {
                instance.remove();
            }
            port.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private static RestoreRequest restoreRequest(DrillRequest request, ScratchInstance instance) {
        Map<String, String> settings = new LinkedHashMap<>();
        // English messages: the drill reads "redo done at" from the server log.
        settings.put("lc_messages", "C");
        // The source's own logging setup (a collector writing to an absolute directory) is not the drill's.
        settings.put("logging_collector", "off");
        settings.putAll(request.settings());
        return RestoreRequest.builder(instance.pgdata()).port(instance.port.port()).target(request.target())
                .backupId(request.backupId()).targetTimeline(request.targetTimeline())
                .lifeboat(request.lifeboatCommand(), request.commandOptions()).login(request.login())
                .startTimeout(request.startTimeout()).jobs(request.jobs()).progress(request.progress()).settings(settings)
                .pgBin(request.pgBin())
                // never the source's tablespace directories: the drill's own, removed with it
                .tablespaceHome(instance.pgdata().resolveSibling("tablespaces")).build();
    }

    /** The checks and timings of one drill as it goes. */
    private final class Drill {
        private final RestorePlan plan;
        private final Duration planDuration;
        private final List<Check> checks = new ArrayList<>();
        private final List<DrillRecord.TableRows> tables = new ArrayList<>();
        private RestoreService.FilesWritten files;
        private RestoreService.Startup startup;
        private Duration checksDuration;
        private String replayedTo;
        private String redoDoneAt;
        private String pgVersion;

        Drill(RestorePlan plan, Duration planDuration) {
            this.plan = plan;
            this.planDuration = planDuration;
        }

        void restoreAndStart(RestoreService restore, RestoreRequest request, ScratchInstance instance) {
            long started = System.nanoTime();
            try {
                files = restore.writeFiles(plan, request);
                checks.add(InstanceChecks.builtIn(RESTORE, CheckVerdict.PASSED, String.format("%,d files (%,.1f MB) written and checked"
                        + " against their SHA-256", files.manifest().totals().files(), files.bytes() / 1e6), started));
            } catch (RuntimeException e) {
                checks.add(InstanceChecks.builtIn(RESTORE, CheckVerdict.FAILED, describe(e), started));
                return;
            }
            started = System.nanoTime();
            try {
                startup = restore.start(files, request);
                instance.startup = startup;
                RestoreService.Startup s = startup;
                replayedTo = s.recoveryEndLsn();
                redoDoneAt = s.instance().redoDoneAt().orElse(null);
                pgVersion = s.binaries().version();
                checks.add(InstanceChecks.builtIn(RECOVERY, CheckVerdict.PASSED, String.format(
                        "consistent after %.1f s, promoted after %.1f s, open for writes after %.1f s%s",
                        seconds(s.elapsedAt(StartupPhase.ACCEPTING_CONNECTIONS)), seconds(s.elapsedAt(StartupPhase.RECOVERY_FINISHED)),
                        seconds(s.elapsedAt(StartupPhase.OPEN_FOR_WRITES)), replayedTo == null ? "" : "; replayed WAL up to " + replayedTo),
                        started));
            } catch (RuntimeException e) {
                checks.add(InstanceChecks.builtIn(RECOVERY, CheckVerdict.FAILED, describe(e), started));
            }
        }

        void check(DrillRequest request) {
            long started = System.nanoTime();
            request.progress().step("checking the restored instance");
            InstanceChecks on = new InstanceChecks(startup.instance(), startup.binaries(), request.checkTimeout());
            checks.add(on.systemIdentifier(files.manifest().systemIdentifier()));
            List<String> databases;
            try {
                databases = on.databases();
            } catch (java.sql.SQLException e) {
                checks.add(InstanceChecks.builtIn(AMCHECK, CheckVerdict.FAILED, "cannot list the databases: " + e.getMessage(), started));
                checksDuration = Duration.ofNanos(System.nanoTime() - started);
                return;
            }
            for (String database : databases) {
                request.progress().step("pg_amcheck of database " + database);
                checks.add(on.amcheck(database));
            }
            request.progress().step("counting rows");
            InstanceChecks.RowCounts counts = on.rowCounts(databases);
            checks.add(counts.check());
            tables.addAll(counts.tables());
            for (UserCheck check : request.checks()) {
                request.progress().step("check: " + check.name());
                checks.add(on.user(check, request.checksDatabase()));
            }
            checksDuration = Duration.ofNanos(System.nanoTime() - started);
        }

        DrillRecord record(String drillId, Instant startedAt, DrillRequest request, Duration total) {
            if (startup == null) {
                skipTheRest(request);
            }
            Check failed = checks.stream().filter(c -> c.verdict() == CheckVerdict.FAILED).findFirst().orElse(null);
            DrillRecord.Verdict verdict = failed == null ? DrillRecord.Verdict.PASSED : DrillRecord.Verdict.FAILED;
            String failure = failed == null ? null : failed.name() + ": " + failed.detail();
            long failedCount = checks.stream().filter(c -> c.verdict() == CheckVerdict.FAILED).count();
            if (failedCount > 1) {
                failure += " (and " + (failedCount - 1) + " more failed check" + (failedCount > 2 ? "s" : "") + ")";
            }
            DrillRecord.VerifiedEnd verifiedEnd = null;
            if (verdict == DrillRecord.Verdict.PASSED) {
                // Only a drill that replayed all archived WAL proves a range beyond the backup's own end.
                boolean wholeArchive = plan.target() instanceof RecoveryTarget.Latest;
                verifiedEnd = new DrillRecord.VerifiedEnd(wholeArchive ? redoDoneAt : null, plan.targetTimeline());
            }
            Duration filesDuration = files == null ? null : files.duration();
            Duration toOpenForWrites = startup == null ? null : startup.elapsedAt(StartupPhase.OPEN_FOR_WRITES);
            return new DrillRecord(DrillRecord.CURRENT_FORMAT, drillId, plan.backup().id(), verdict, failure, startedAt, Instant.now(),
                    plan.target().describe(), plan.targetTimeline(), replayedTo, verifiedEnd,
                    new DrillRecord.Timings(planDuration, filesDuration,
                            startup == null ? null : startup.elapsedAt(StartupPhase.ACCEPTING_CONNECTIONS),
                            startup == null ? null : startup.elapsedAt(StartupPhase.RECOVERY_FINISHED), toOpenForWrites,
                            toOpenForWrites == null ? null : planDuration.plus(filesDuration).plus(toOpenForWrites), checksDuration, total),
                    List.copyOf(checks), List.copyOf(tables), plan.backup().systemIdentifier(),
                    pgVersion != null ? pgVersion : plan.backup().pgVersion(), LifeboatVersion.version(), LifeboatVersion.host());
        }

        /** The checks that could not run because the instance never started, as skipped. */
        private void skipTheRest(DrillRequest request) {
            String why = "not run: the instance did not start";
            List<String> names = new ArrayList<>();
            if (files == null) {
                names.add(RECOVERY);
            }
            names.add(SYSTEM_IDENTIFIER);
            names.add(AMCHECK);
            names.add(ROW_COUNTS);
            for (String name : names) {
                checks.add(new Check(name, Check.BUILT_IN, CheckVerdict.SKIPPED, why, null, null, Duration.ZERO));
            }
            for (UserCheck check : request.checks()) {
                checks.add(new Check(check.name(), Check.USER, CheckVerdict.SKIPPED, why, check.statement(), check.database(), Duration.ZERO));
            }
        }
    }

    private static String describe(RuntimeException e) {
        if (e instanceof StorageException se && se.isNotFound()) {
            return "an object is missing from the repository: " + se.getMessage();
        }
        return e.getMessage();
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }

    /** The scratch directory, port and (once started) server of one drill. */
    private static final class ScratchInstance {
        private final ScratchDirectory scratch;
        private final PortReservation port;
        private volatile RestoreService.Startup startup;
        /** The binaries that run it, known once the backup is chosen. */
        private volatile PgBinaries binaries;
        private boolean removed;

        ScratchInstance(ScratchDirectory scratch, PortReservation port) {
            this.scratch = scratch;
            this.port = port;
        }

        Path pgdata() {
            return scratch.resolve("pgdata");
        }

        /** Stops the server (if it runs) and deletes the directory; safe to call twice. */
        synchronized void remove() {
            if (removed) {
                return;
            }
            removed = true;
            try {
                if (startup != null) {
                    startup.instance().stop(ShutdownMode.IMMEDIATE);
                } else if (binaries != null && Files.exists(pgdata().resolve("postmaster.pid"))) {
                    // A start that failed or timed out may have left the server running.
                    PgInstance.builder(binaries, pgdata()).build().stop(ShutdownMode.IMMEDIATE);
                }
            } catch (RuntimeException ignored) {
                // the directory goes anyway; a server still running on it will fail on its own
            } finally {
                scratch.close();
            }
        }
    }
}
