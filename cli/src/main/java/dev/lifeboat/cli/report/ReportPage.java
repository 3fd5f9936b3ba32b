package dev.lifeboat.cli.report;

import dev.lifeboat.core.report.Report;
import dev.lifeboat.core.report.RepositoryReport;
import dev.lifeboat.core.report.RepositoryReport.ArchiveGap;
import dev.lifeboat.core.report.RepositoryReport.BackupRun;
import dev.lifeboat.core.report.RepositoryReport.DrillRun;
import dev.lifeboat.core.report.RepositoryReport.JobRunPoint;
import dev.lifeboat.core.report.RepositoryReport.JobTrack;
import dev.lifeboat.core.report.RepositoryReport.RecoverableWindow;
import dev.lifeboat.core.report.RepositoryReport.WalArrivals;
import dev.lifeboat.core.report.RepositoryReport.WalHour;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a {@link Report} as one HTML page: inline CSS, SVG plots drawn here, no script and
 * nothing fetched, so it can be mailed, archived as a CI artifact and opened offline. Each plot
 * has a table of the same numbers beside it (for screen readers, and for tests).
 */
public final class ReportPage {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Duration HOUR = Duration.ofHours(1);
    /** Inlined into every page: the page must open offline and from a CI artifact, with nothing fetched. */
    private static final String STYLE = style();

    private final Report report;
    private final StringBuilder html = new StringBuilder(64 * 1024);

    private ReportPage(Report report) {
        this.report = report;
    }

    public static String render(Report report) {
        return new ReportPage(report).page();
    }

    private String page() {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Lifeboat report ").append(time(report.generatedAt())).append(" UTC</title>\n<style>\n")
                .append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<header><h1>Lifeboat report</h1><p>Generated ").append(time(report.generatedAt())).append(" UTC by Lifeboat ")
                .append(Markup.escape(report.lifeboatVersion())).append(". All times are UTC.</p></header>\n");
        recoverableWindows();
        for (int i = 0; i < report.repositories().size(); i++) {
            repository(i, report.repositories().get(i));
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private void recoverableWindows() {
        List<String> lanes = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (RepositoryReport r : report.repositories()) {
            for (int timeline : timelinesOf(r)) {
                lanes.add(r.name() + " · TL " + timeline);
            }
            r.windows().forEach(w -> {
                times.add(w.from());
                times.add(w.until());
            });
            r.gaps().forEach(g -> {
                times.add(g.after());
                times.add(g.before());
            });
        }
        html.append("<section id=\"pitr\">\n<h2>Recoverable window</h2>\n<p class=\"note\">Green: the times a point-in-time restore "
                + "can reach, from the end of a backup to the last commit of the WAL that follows it without a gap. Red: missing WAL "
                + "(between the arrivals of the segments on either side).</p>\n<div class=\"pair\">\n");
        if (lanes.isEmpty()) {
            html.append("<p class=\"empty\">No backup with its WAL in any repository: nothing can be restored.</p>\n");
        } else {
            SvgChart chart = SvgChart.lanes("Recoverable window per repository and timeline", times, lanes);
            int lane = 0;
            for (RepositoryReport r : report.repositories()) {
                for (int timeline : timelinesOf(r)) {
                    for (RecoverableWindow w : r.windows()) {
                        if (w.timeline() == timeline) {
                            chart.span(lane, w.from(), w.until(), "window", r.name() + ": from backup " + w.fromBackup() + ", "
                                    + time(w.from()) + " to " + time(w.until()) + " (" + w.endsAt() + ")");
                        }
                    }
                    for (ArchiveGap g : r.gaps()) {
                        if (g.timeline() == timeline) {
                            String title = r.name() + ": missing " + g.firstMissing() + ".." + g.lastMissing();
                            chart.span(lane, g.after(), g.before(), "gap-span", title);
                            chart.laneMark(lane, g.after(), "gap", title);
                        }
                    }
                    lane++;
                }
            }
            html.append("<figure>").append(chart.render(v -> "")).append("<figcaption>Recoverable (green), missing WAL (red)"
                    + "</figcaption></figure>\n");
        }
        html.append("<div class=\"scroll\"><table id=\"windows\"><caption>Recoverable windows and gaps</caption>\n<thead><tr><th>Repository</th><th>TL</th>"
                + "<th>From</th><th>Until</th><th>Ends at</th><th>From backup</th></tr></thead>\n<tbody>\n");
        for (RepositoryReport r : report.repositories()) {
            for (RecoverableWindow w : r.windows()) {
                html.append("<tr data-repository=\"").append(Markup.escape(r.name())).append("\"><td>").append(Markup.escape(r.name()))
                        .append("</td><td>").append(w.timeline()).append("</td><td>").append(time(w.from())).append("</td><td>")
                        .append(time(w.until())).append("</td><td>").append(Markup.escape(w.endsAt())).append("</td><td>")
                        .append(Markup.escape(w.fromBackup())).append("</td></tr>\n");
            }
            for (ArchiveGap g : r.gaps()) {
                html.append("<tr class=\"gap-row\" data-repository=\"").append(Markup.escape(r.name())).append("\"><td>")
                        .append(Markup.escape(r.name())).append("</td><td>").append(g.timeline()).append("</td><td>")
                        .append(time(g.after())).append("</td><td>").append(time(g.before())).append("</td><td>GAP</td><td>missing ")
                        .append(Markup.escape(g.firstMissing())).append("..").append(Markup.escape(g.lastMissing()))
                        .append("</td></tr>\n");
            }
        }
        html.append("</tbody></table></div>\n</div>\n</section>\n");
    }

    private static List<Integer> timelinesOf(RepositoryReport r) {
        List<Integer> timelines = new ArrayList<>();
        r.windows().forEach(w -> addOnce(timelines, w.timeline()));
        r.gaps().forEach(g -> addOnce(timelines, g.timeline()));
        timelines.sort(Integer::compare);
        return timelines;
    }

    private static void addOnce(List<Integer> list, int value) {
        if (!list.contains(value)) {
            list.add(value);
        }
    }

    private void repository(int index, RepositoryReport r) {
        html.append("<section class=\"repository\" id=\"repository-").append(index).append("\" data-name=\"")
                .append(Markup.escape(r.name())).append("\">\n<h2>Repository ").append(Markup.escape(r.name()))
                .append(" <small>").append(Markup.escape(r.location())).append("</small></h2>\n");
        if (r.error() != null) {
            html.append("<p class=\"error\">Unavailable: ").append(Markup.escape(r.error())).append("</p>\n</section>\n");
            return;
        }
        backups(index, r.backups());
        wal(index, r.wal());
        drills(index, r.drills());
        jobs(index, r.jobs());
        html.append("</section>\n");
    }

    private void backups(int index, List<BackupRun> backups) {
        html.append("<h3>Backups</h3>\n");
        List<BackupRun> timed = backups.stream().filter(b -> b.stop() != null).toList();
        if (timed.isEmpty()) {
            html.append("<p class=\"empty\">No backups.</p>\n<div class=\"pair\">\n");
        } else {
            List<Instant> at = timed.stream().map(BackupRun::stop).toList();
            double longest = timed.stream().filter(b -> b.duration() != null).mapToDouble(b -> seconds(b.duration())).max().orElse(0);
            SvgChart duration = SvgChart.values("Backup duration in seconds, per backup", at, longest);
            duration.line(at, timed.stream().map(b -> b.duration() == null ? null : seconds(b.duration())).toList(), "trend");
            for (BackupRun b : timed) {
                if (b.duration() != null) {
                    duration.point(b.stop(), seconds(b.duration()), "DAMAGED".equals(b.status()) ? "damaged" : "duration",
                            b.id() + ": " + seconds(b.duration()) + " s");
                }
            }
            long largest = timed.stream().mapToLong(BackupRun::storedBytes).max().orElse(0);
            String unit = Quantities.unitFor(largest);
            SvgChart size = SvgChart.values("Stored size per backup, " + unit, at, Quantities.in(largest, unit));
            for (BackupRun b : timed) {
                size.bar(b.stop(), Quantities.in(b.storedBytes(), unit), null, "size " + b.type(),
                        b.id() + " (" + b.type() + "): " + Quantities.bytes(b.storedBytes()) + " stored of " + Quantities.bytes(b.bytes()));
            }
            html.append("<div class=\"pair\">\n<figure>").append(duration.render(v -> Quantities.number(v) + " s"))
                    .append("<figcaption>Duration (start to stop)</figcaption></figure>\n<figure>")
                    .append(size.render(v -> Quantities.number(v) + " " + unit))
                    .append("<figcaption>Stored size (full and incremental)</figcaption></figure>\n");
        }
        html.append("<div class=\"scroll\"><table id=\"backups-").append(index).append("\"><caption>Backups</caption>\n<thead><tr>"
                + "<th>Backup</th><th>Type</th><th>Status</th><th>Started</th><th>Duration</th><th>Size</th><th>Stored</th></tr>"
                + "</thead>\n<tbody>\n");
        for (BackupRun b : backups) {
            html.append("<tr data-id=\"").append(Markup.escape(b.id())).append("\" data-status=\"").append(Markup.escape(b.status()))
                    .append("\"><td>").append(Markup.escape(b.id())).append("</td><td>").append(Markup.escape(dash(b.type())))
                    .append("</td><td>").append(Markup.escape(b.status())).append("</td><td>").append(time(b.start()))
                    .append("</td><td data-seconds=\"").append(b.duration() == null ? "" : seconds(b.duration())).append("\">")
                    .append(b.duration() == null ? "-" : Quantities.duration(b.duration())).append("</td><td data-bytes=\"")
                    .append(b.bytes()).append("\">").append(Quantities.bytes(b.bytes())).append("</td><td data-bytes=\"")
                    .append(b.storedBytes()).append("\">").append(Quantities.bytes(b.storedBytes())).append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n</div>\n");
    }

    private void wal(int index, WalArrivals wal) {
        html.append("<h3>WAL archived per hour</h3>\n");
        html.append("<p class=\"note\">Bars: segments that arrived in each hour since ").append(time(wal.since()))
                .append(". Line: the largest backlog in that hour. The repository cannot see the primary's <code>.ready</code> files, "
                        + "so the backlog shown is what the archive can tell: at each arrival, the segments whose last commit was "
                        + "already written but which had not yet arrived (that one included). The delay is from a segment's last "
                        + "commit to its arrival.");
        if (wal.summariesSkipped() > 0) {
            html.append(" Only the newest ").append(wal.summariesRead()).append(" segments were timed; ").append(wal.summariesSkipped())
                    .append(" older ones count in the bars only.");
        }
        html.append("</p>\n<p class=\"headline\">").append(segments(wal.segments())).append("; largest backlog ")
                .append(wal.largestBacklog() == 0 ? "unknown" : segments(wal.largestBacklog()) + " at " + time(wal.largestBacklogAt()))
                .append("; largest delay ").append(wal.largestDelay() == null ? "unknown"
                        : Quantities.duration(wal.largestDelay()) + " (" + Markup.escape(wal.largestDelaySegment()) + ")")
                .append("</p>\n");
        if (wal.hours().isEmpty()) {
            html.append("<p class=\"empty\">No WAL arrived in this period.</p>\n");
        } else {
            List<Instant> at = new ArrayList<>(wal.hours().stream().map(h -> h.hour().plus(HOUR.dividedBy(2))).toList());
            double most = wal.hours().stream().mapToDouble(h -> Math.max(h.segments(), h.largestBacklog())).max().orElse(0);
            List<Instant> hourEdges = new ArrayList<>();
            wal.hours().forEach(h -> {
                hourEdges.add(h.hour());
                hourEdges.add(h.hour().plus(HOUR));
            });
            SvgChart chart = SvgChart.values("WAL segments archived per hour, and the largest backlog", hourEdges, most);
            for (WalHour h : wal.hours()) {
                chart.bar(h.hour().plus(HOUR.dividedBy(2)), h.segments(), HOUR, "bar",
                        time(h.hour()) + ": " + h.segments() + " segments, " + Quantities.bytes(h.storedBytes()));
            }
            chart.line(at, wal.hours().stream().map(h -> h.largestBacklog() == 0 ? null : (double) h.largestBacklog()).toList(), "backlog");
            for (WalHour h : wal.hours()) {
                if (h.largestBacklog() > 0) {
                    chart.point(h.hour().plus(HOUR.dividedBy(2)), h.largestBacklog(), "backlog-point",
                            time(h.hour()) + ": largest backlog " + h.largestBacklog());
                }
            }
            html.append("<div class=\"pair\">\n<figure>").append(chart.render(v -> Quantities.number(v)))
                    .append("<figcaption>Segments per hour (bars), largest backlog (line)</figcaption></figure>\n");
        }
        html.append("<div class=\"scroll\"><table id=\"wal-").append(index).append("\"><caption>WAL per hour</caption>\n<thead><tr>"
                + "<th>Hour</th><th>Segments</th><th>Stored</th><th>Largest delay</th><th>Largest backlog</th></tr></thead>\n<tbody>\n");
        for (WalHour h : wal.hours()) {
            html.append("<tr><td>").append(time(h.hour())).append("</td><td>").append(h.segments()).append("</td><td data-bytes=\"")
                    .append(h.storedBytes()).append("\">").append(Quantities.bytes(h.storedBytes())).append("</td><td>")
                    .append(h.largestDelay() == null ? "-" : Quantities.duration(h.largestDelay())).append("</td><td>")
                    .append(h.largestBacklog() == 0 ? "-" : h.largestBacklog()).append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
        if (!wal.hours().isEmpty()) {
            html.append("</div>\n");
        }
    }

    private void drills(int index, List<DrillRun> drills) {
        html.append("<h3>Drills</h3>\n");
        List<DrillRun> timed = drills.stream().filter(d -> d.at() != null).toList();
        if (timed.isEmpty()) {
            html.append("<p class=\"empty\">No drills recorded: no backup is proven restorable.</p>\n<div>\n");
        } else {
            double longest = timed.stream().filter(d -> d.rto() != null).mapToDouble(d -> seconds(d.rto())).max().orElse(0);
            SvgChart chart = SvgChart.values("Drill RTO in seconds, with pass and fail marks", timed.stream().map(DrillRun::at).toList(),
                    longest);
            for (DrillRun d : timed) {
                chart.verdict(d.at(), d.rto() == null ? 0 : seconds(d.rto()), "passed".equals(d.verdict()), "drill " + d.id()
                        + " of backup " + d.backupId() + ": " + d.verdict() + (d.rto() == null ? "" : ", RTO " + seconds(d.rto()) + " s")
                        + (d.failure() == null ? "" : ": " + d.failure()));
            }
            html.append("<div class=\"pair\">\n<figure>").append(chart.render(v -> Quantities.number(v) + " s"))
                    .append("<figcaption>RTO per drill: ● passed, ✕ failed (at 0 when it never opened for writes)</figcaption></figure>\n");
        }
        html.append("<div class=\"scroll\"><table id=\"drills-").append(index).append("\"><caption>Drills</caption>\n<thead><tr>"
                + "<th>Drill</th><th>Backup</th><th>Verdict</th><th>RTO</th><th>Failure</th></tr></thead>\n<tbody>\n");
        for (DrillRun d : drills) {
            html.append("<tr data-backup=\"").append(Markup.escape(d.backupId())).append("\" data-verdict=\"")
                    .append(Markup.escape(d.verdict())).append("\"><td>").append(Markup.escape(d.id())).append("</td><td>")
                    .append(Markup.escape(d.backupId())).append("</td><td class=\"").append("passed".equals(d.verdict()) ? "ok" : "bad")
                    .append("\">").append(Markup.escape(d.verdict())).append("</td><td data-seconds=\"")
                    .append(d.rto() == null ? "" : seconds(d.rto())).append("\">")
                    .append(d.rto() == null ? "-" : Quantities.duration(d.rto())).append("</td><td>").append(Markup.escape(dash(d.failure())))
                    .append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n</div>\n");
    }

    private void jobs(int index, List<JobTrack> jobs) {
        html.append("<h3>Job runs</h3>\n");
        if (jobs.isEmpty()) {
            html.append("<p class=\"empty\">No job runs recorded (the schedule daemon and expire record theirs here).</p>\n");
            return;
        }
        List<Instant> times = jobs.stream().flatMap(j -> j.runs().stream()).map(JobRunPoint::start).filter(Objects::nonNull).toList();
        SvgChart chart = SvgChart.lanes("Job runs per schedule", times, jobs.stream().map(JobTrack::job).toList());
        for (int lane = 0; lane < jobs.size(); lane++) {
            for (JobRunPoint run : jobs.get(lane).runs()) {
                if (run.start() != null) {
                    chart.laneMark(lane, run.start(), run.outcome(), jobs.get(lane).job() + " " + time(run.start()) + ": " + run.outcome()
                            + (run.duration() == null ? "" : " in " + Quantities.duration(run.duration()))
                            + (run.error() == null ? "" : ": " + run.error()));
                }
            }
        }
        html.append("<div class=\"pair\">\n<figure>").append(chart.render(v -> "")).append("<figcaption>Each run at its start: ● succeeded "
                + "(green) or running (blue), ✕ failed or abandoned, ● interrupted (amber)</figcaption></figure>\n");
        html.append("<div class=\"scroll\"><table id=\"jobs-").append(index).append("\"><caption>Job runs</caption>\n<thead><tr>"
                + "<th>Job</th><th>Kind</th><th>Runs</th><th>Succeeded</th><th>Failed</th><th>Last</th><th>Last start</th></tr>"
                + "</thead>\n<tbody>\n");
        for (JobTrack j : jobs) {
            JobRunPoint last = j.runs().isEmpty() ? null : j.runs().get(j.runs().size() - 1);
            html.append("<tr data-job=\"").append(Markup.escape(j.job())).append("\"><td>").append(Markup.escape(j.job()))
                    .append("</td><td>").append(Markup.escape(dash(j.kind()))).append("</td><td>").append(j.runs().size())
                    .append("</td><td>").append(count(j, "succeeded")).append("</td><td>").append(count(j, "failed") + count(j, "abandoned"))
                    .append("</td><td>").append(last == null ? "-" : Markup.escape(last.outcome())).append("</td><td>")
                    .append(last == null ? "-" : time(last.start())).append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n</div>\n");
    }

    private static String segments(long n) {
        return n + (n == 1 ? " segment" : " segments");
    }

    private static long count(JobTrack job, String outcome) {
        return job.runs().stream().filter(r -> outcome.equals(r.outcome())).count();
    }

    private static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    private static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    private static String style() {
        try (InputStream css = ReportPage.class.getResourceAsStream("report.css")) {
            if (css == null) {
                throw new IllegalStateException("report.css is missing from the build");
            }
            return new String(css.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
