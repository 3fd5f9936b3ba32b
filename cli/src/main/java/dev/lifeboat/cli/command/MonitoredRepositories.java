package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.core.check.CheckReport;
import dev.lifeboat.core.check.MonitorChecks;
import dev.lifeboat.core.check.MonitoredCheck;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The repositories `check --output nagios|prometheus` answers for, each as a monitor sees it. A
 * repository that cannot be read is an answer (CRITICAL, naming why), not a failure of the command;
 * one that cannot be evaluated at all (no key, a bad setting) is UNKNOWN. With several, each also
 * gets repository_lag against the newest WAL archived in any of them.
 */
final class MonitoredRepositories {

    /** One repository's checks; {@code report} is null when it could not be read. */
    record Checked(RepositoryConfig member, CheckReport report, List<MonitoredCheck> checks) {
    }

    private final Function<String, Repository> open;
    private final Function<Repository, CheckReport> check;
    private final MonitorChecks judge;

    /**
     * @param open  opens the repository at a location (with its key)
     * @param check runs and judges the check of an open repository
     */
    MonitoredRepositories(Function<String, Repository> open, Function<Repository, CheckReport> check, MonitorChecks judge) {
        this.open = open;
        this.check = check;
        this.judge = judge;
    }

    List<Checked> check(List<RepositoryConfig> members) {
        List<Checked> checked = new ArrayList<>();
        for (RepositoryConfig member : members) {
            checked.add(check(member));
        }
        return checked.size() > 1 ? withLag(checked) : checked;
    }

    /** No repository to check at all (none given or configured). */
    static List<MonitoredCheck> none(LifeboatException why) {
        return MonitorChecks.unknown("(none)", withHint(why));
    }

    private Checked check(RepositoryConfig member) {
        String location = member.location();
        try (Repository repository = open.apply(location)) {
            CheckReport report = check.apply(repository);
            return new Checked(member, report, report.checks());
        } catch (RuntimeException failure) {
            LifeboatException e = Failures.asLifeboatException(failure); // a store's own error, worded as everywhere
            return new Checked(member, null, cannotEvaluate(e.code()) ? MonitorChecks.unknown(location, withHint(e))
                    : MonitorChecks.unreachable(location, e.getMessage()));
        }
    }

    private List<Checked> withLag(List<Checked> checked) {
        Instant newest = checked.stream().filter(c -> c.report() != null).map(c -> c.report().health().lastArchived())
                .filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
        List<Checked> lagged = new ArrayList<>();
        for (Checked c : checked) {
            if (c.report() == null) {
                lagged.add(c);
                continue;
            }
            List<MonitoredCheck> checks = new ArrayList<>(c.checks());
            checks.add(judge.lag(newest, c.report().health().lastArchived()));
            lagged.add(new Checked(c.member(), c.report().withChecks(checks), checks));
        }
        return lagged;
    }

    /** A check that cannot even start (a missing key, a bad setting) is UNKNOWN; a store that fails is CRITICAL. */
    private static boolean cannotEvaluate(ErrorCode code) {
        return code == ErrorCode.KEY || code == ErrorCode.USAGE || code == ErrorCode.CONFIG || code == ErrorCode.INTERNAL;
    }

    private static String withHint(LifeboatException e) {
        return e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")");
    }
}
