package dev.lifeboat.core.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * Which bytes a file name stands for, cheaply: size, inode and change time to the
 * nanosecond, written exactly as {@code stat -c '%s %i %.9Z'} prints them so that the
 * launcher can compare without starting a JVM or hashing 16 MiB.
 *
 * <p>Every write, truncation, rename or replacement of the file gives it a new change time or
 * a new inode. The kernel stamps change times from a clock that advances in ticks of a few
 * milliseconds, so a write in the same tick as the last one could keep the time: an identity
 * is therefore only taken from a file whose change time is older than {@link #SETTLED_MILLIS}
 * (a second more where the filesystem keeps whole seconds), and a later write would then carry
 * a later time.
 */
public record FileIdentity(long size, long inode, String changeTime) {

    /** Comfortably more than the kernel's coarse clock tick (1 to 10 ms). */
    static final long SETTLED_MILLIS = 50;
    /** For filesystems that keep whole seconds only (their change times end in .000000000). */
    static final long SETTLED_MILLIS_WHOLE_SECONDS = 1_050;

    public static FileIdentity of(Path file) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(file, "unix:size,ino,ctime");
        Instant ctime = ((FileTime) attributes.get("ctime")).toInstant();
        return new FileIdentity((Long) attributes.get("size"), (Long) attributes.get("ino"),
                ctime.getEpochSecond() + "." + String.format("%09d", ctime.getNano()));
    }

    /**
     * The identity once the file has not changed for {@link #SETTLED_MILLIS} (PostgreSQL
     * finished a ready segment before it said so: this rarely waits).
     *
     * @throws IOException when the file keeps changing for seconds
     */
    public static FileIdentity settled(Path file) throws IOException, InterruptedException {
        for (int round = 0; round < 100; round++) {
            FileIdentity identity = of(file);
            long settled = identity.changeTime.endsWith(".000000000") ? SETTLED_MILLIS_WHOLE_SECONDS : SETTLED_MILLIS;
            long ageMillis = System.currentTimeMillis() - identity.changeMillis();
            if (ageMillis >= settled) {
                return identity;
            }
            Thread.sleep(settled - Math.max(0, ageMillis));
        }
        throw new IOException(file + " keeps changing");
    }


    private long changeMillis() {
        int dot = changeTime.indexOf('.');
        return Long.parseLong(changeTime.substring(0, dot)) * 1000 + Long.parseLong(changeTime.substring(dot + 1, dot + 4));
    }

    /** "size inode seconds.nanoseconds", as stat prints it. */
    public String text() {
        return size + " " + inode + " " + changeTime;
    }
}
