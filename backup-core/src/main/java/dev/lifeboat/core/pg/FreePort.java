package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports for servers that Lifeboat starts: a free one for a throwaway cluster, and a check
 * that the port a user asked for is free before a restore sets out.
 *
 * <p>A port that binds now may be taken before the server binds it. Two defences: ports are
 * picked at random in {@value #FIRST}..{@value #LAST} (below Linux's ephemeral range, so
 * outgoing connections do not take them), and each chosen port is {@linkplain #reserve()
 * reserved} with a lock file that other Lifeboat processes on the machine respect (tests in
 * other JVMs, drills) until the reservation is closed.
 */
public final class FreePort {

    /** The lowest port {@link #reserve()} hands out. */
    public static final int FIRST = 20000;
    /** The highest port {@link #reserve()} hands out. */
    public static final int LAST = 29999;

    private static final int ATTEMPTS = 200;

    private FreePort() {
    }

    /**
     * A port that is free now and reserved for the caller until the reservation is closed.
     *
     * @throws LifeboatException ({@link ErrorCode#DESTINATION}) when no port could be found
     */
    public static PortReservation reserve() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = random.nextInt(FIRST, LAST + 1);
            if (!isFree(port)) {
                continue;
            }
            Optional<PortReservation> reservation = lock(port);
            // Bind again after locking: another process may have bound it in between.
            if (reservation.isPresent() && isFree(port)) {
                return reservation.get();
            }
            reservation.ifPresent(PortReservation::close);
        }
        throw new LifeboatException(ErrorCode.DESTINATION,
                "no free TCP port found in " + FIRST + ".." + LAST + " after " + ATTEMPTS + " tries");
    }

    /**
     * Whether nothing listens on {@code port} on any local address: a wildcard bind fails
     * when a socket listens on the port on any address (a loopback-only one included).
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Like PostgreSQL, which sets SO_REUSEADDR: connections in TIME_WAIT do not count.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Refuses a port that is in use, before anything is written.
     *
     * @throws LifeboatException ({@link ErrorCode#DESTINATION}) when something listens there
     */
    public static void requireFree(int port) {
        if (port < 1 || port > 65535) {
            throw new LifeboatException(ErrorCode.USAGE, "port " + port + " is not a TCP port (1..65535)");
        }
        if (!isFree(port)) {
            throw new LifeboatException(ErrorCode.DESTINATION, "port " + port + " is in use",
                    "choose another port, or stop the server that listens on it");
        }
    }

    private static Optional<PortReservation> lock(int port) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-ports");
        FileChannel channel = null;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                // Shared by every user's Lifeboat on this machine.
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            channel = FileChannel.open(dir.resolve(port + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new PortReservation(port, channel));
        } catch (OverlappingFileLockException e) {
            // This JVM holds it already.
            closeQuietly(channel);
            return Optional.empty();
        } catch (IOException e) {
            // No lock directory we may write (another user's, a read-only /tmp): the bind
            // check alone still guards against everything but a race.
            closeQuietly(channel);
            return Optional.of(new PortReservation(port, null));
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing to release.
            }
        }
    }
}
