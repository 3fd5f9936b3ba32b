package dev.lifeboat.schedules;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.storage.StoreSettings;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * The job kinds this Lifeboat can run, each with the task that runs it. A schedule naming a
 * kind that has no service here is refused when the configuration is loaded, never skipped
 */
public final class TaskCatalog {

    /** Builds the task of a job, and checks its settings when the configuration loads. */
    public interface Factory {
        /** Throws a CONFIG LifeboatException naming the job and the missing or bad setting. */
        void check(JobDefinition job);

        ScheduledTask create(JobDefinition job);

        /** The task of a run whose repository is opened with {@code stores}; a task that opens more stores opens them so too. */
        default ScheduledTask create(JobDefinition job, StoreSettings stores) {
            return create(job);
        }
    }

    private final Map<JobKind, Factory> factories = new EnumMap<>(JobKind.class);

    /** The kinds whose services exist in this build. */
    public static TaskCatalog standard(Map<String, String> env, Clock clock, LifeboatCall lifeboat) {
        TaskCatalog catalog = new TaskCatalog();
        catalog.register(JobKind.BACKUP, new BackupTask.Factory(env, clock));
        catalog.register(JobKind.EXPIRE, new ExpireTask.Factory(clock));
        catalog.register(JobKind.VERIFY, new VerifyTask.Factory());
        catalog.register(JobKind.DRILL, new DrillTask.Factory(env, lifeboat));
        catalog.register(JobKind.REPLICATE, new ReplicateTask.Factory());
        return catalog;
    }

    public TaskCatalog register(JobKind kind, Factory factory) {
        factories.put(kind, factory);
        return this;
    }

    /** The factory registered for a kind (to build smaller catalogs, e.g. in tests). */
    public Factory factory(JobKind kind) {
        return factories.get(kind);
    }

    public boolean supports(JobKind kind) {
        return factories.containsKey(kind);
    }

    /** Refuses a job whose kind has no service, or whose settings its service cannot use. */
    public void check(JobDefinition job) {
        Factory factory = factories.get(job.kind());
        if (factory == null) {
            throw new LifeboatException(ErrorCode.CONFIG, "schedule job '" + job.name() + "' is of kind '" + job.kind().jsonName()
                    + "', which this Lifeboat cannot run: it has no " + job.kind().jsonName() + " service yet",
                    "remove the job or change its kind (runnable kinds: " + runnable() + ")");
        }
        factory.check(job);
        JobStorage.check(job);
        JobKeys.check(job);
    }

    public ScheduledTask create(JobDefinition job) {
        check(job);
        return factories.get(job.kind()).create(job);
    }

    /** The task of a run whose stores are opened with {@code stores}. */
    public ScheduledTask create(JobDefinition job, StoreSettings stores) {
        check(job);
        return factories.get(job.kind()).create(job, stores);
    }

    private String runnable() {
        return String.join(", ", factories.keySet().stream().map(JobKind::jsonName).toList());
    }

    static LifeboatException badSetting(JobDefinition job, String message, String hint) {
        return new LifeboatException(ErrorCode.CONFIG, "schedule job '" + job.name() + "': " + message, hint);
    }
}
