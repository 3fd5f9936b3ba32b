package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.newsclub.net.unix.AFUNIXSocket;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * junixsocket's native library, which the driver's unix socket factory needs. junixsocket
 * unpacks it into java.io.tmpdir and, when that fails (a noexec or read-only /tmp), prints its
 * own stack traces on stderr and later throws an UnsatisfiedLinkError that says nothing useful.
 * Loading it once here, with stderr held back, turns that into one line with what to do.
 */
final class UnixSocketSupport {

    static final String HINT = "junixsocket unpacks its library into java.io.tmpdir: set LIFEBOAT_JAVA_OPTS=-Djava.io.tmpdir=DIR"
            + " to a writable directory that is not mounted noexec, or connect over TCP (--pg-host 127.0.0.1)";

    private static Boolean supported;

    private UnixSocketSupport() {
    }

    /** Throws a POSTGRES error naming the socket when the native library cannot be loaded. */
    static synchronized void require(ConnectionSettings settings) {
        if (supported == null) {
            supported = load();
        }
        if (!supported) {
            throw new LifeboatException(ErrorCode.POSTGRES, "cannot connect to PostgreSQL at " + settings.describe()
                    + ": cannot load junixsocket's native library, which unix sockets need", HINT);
        }
    }

    private static boolean load() {
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true));
        try {
            return AFUNIXSocket.isSupported();
        } catch (LinkageError | RuntimeException e) {
            return false;
        } finally {
            System.setErr(stderr);
        }
    }
}
