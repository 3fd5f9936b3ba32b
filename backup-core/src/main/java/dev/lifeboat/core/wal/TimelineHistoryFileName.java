package dev.lifeboat.core.wal;

/** A timeline history file name, {@code 00000002.history}: written when a timeline begins. */
public record TimelineHistoryFileName(long timeline) implements WalFileName {

    static final String SUFFIX = ".history";

    public TimelineHistoryFileName {
        WalNameSyntax.checkTimeline(timeline);
    }

    /** @throws IllegalArgumentException naming the input if it is not a history file name */
    public static TimelineHistoryFileName parse(String name) {
        if (name == null || name.length() != 8 + SUFFIX.length() || !name.endsWith(SUFFIX)
                || !WalNameSyntax.isUpperHex(name, 0, 8)) {
            throw new IllegalArgumentException("not a timeline history file name: '" + name
                    + "' (expected 8 uppercase hex digits and .history, e.g. 00000002.history)");
        }
        try {
            return new TimelineHistoryFileName(WalNameSyntax.hex8(name, 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a timeline history file name: '" + name + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public WalFileKind kind() {
        return WalFileKind.HISTORY;
    }

    @Override
    public String fileName() {
        return timelineHex() + SUFFIX;
    }

    @Override
    public String toString() {
        return fileName();
    }
}
