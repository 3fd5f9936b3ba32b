package dev.lifeboat.core.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * The ancestry of a timeline, read from its NNNNNNNN.history file: each line names a parent
 * timeline and the LSN where this line of history left it.
 */
public record TimelineHistory(int timeline, List<Switch> switches) {

    /** Timeline {@code parent} was left at {@code at}. */
    public record Switch(int parent, Lsn at) {
    }

    /** One stretch of the path that recovery follows to reach {@link #timeline()}. */
    public record Stretch(int timeline, Lsn begin, Lsn end) {
        public boolean contains(Lsn lsn) {
            return lsn.compareTo(begin) >= 0 && (end == null || lsn.compareTo(end) < 0);
        }
    }

    public static TimelineHistory root(int timeline) {
        return new TimelineHistory(timeline, List.of());
    }

    /** Parses a history file's text; comment and blank lines are skipped. */
    public static TimelineHistory parse(int timeline, String text) {
        List<Switch> switches = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] fields = l.split("\\s+");
            if (fields.length < 2) {
                throw new IllegalArgumentException("bad line in " + timeline + ".history: " + l);
            }
            switches.add(new Switch(Integer.parseInt(fields[0]), Lsn.parse(fields[1])));
        }
        return new TimelineHistory(timeline, List.copyOf(switches));
    }

    /** Oldest stretch first; the last stretch (this timeline) has no end. */
    public List<Stretch> path() {
        List<Stretch> path = new ArrayList<>();
        Lsn begin = new Lsn(0);
        for (Switch s : switches) {
            path.add(new Stretch(s.parent(), begin, s.at()));
            begin = s.at();
        }
        path.add(new Stretch(timeline, begin, null));
        return path;
    }

    public boolean includes(int tli) {
        return tli == timeline || switches.stream().anyMatch(s -> s.parent() == tli);
    }

    /** Where the path leaves {@code tli}, or null when it never does (it is this timeline). */
    public Lsn endOf(int tli) {
        for (Stretch s : path()) {
            if (s.timeline() == tli) {
                return s.end();
            }
        }
        return null;
    }
}
