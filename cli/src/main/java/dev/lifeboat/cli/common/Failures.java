package dev.lifeboat.cli.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.storage.InvalidStoreLocationException;
import dev.lifeboat.storage.StorageException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** How a failure looks to the user: "lifeboat: error: ..." and "hint: ...", or a JSON object. */
public final class Failures {

    private Failures() {
    }

    /** Any failure as the one-line error, hint and code a user would see. */
    public static LifeboatException asLifeboatException(Throwable ex) {
        Optional<LifeboatException> nativeLibrary = NativeLibraryFailure.recognise(ex);
        if (nativeLibrary.isPresent()) {
            return nativeLibrary.get();
        }
        OutOfMemoryError outOfMemory = findOutOfMemory(ex);
        if (outOfMemory != null) {
            return outOfMemory(outOfMemory);
        }
        if (ex instanceof LifeboatException le) {
            return le;
        }
        if (ex instanceof InvalidStoreLocationException invalid) {
            // Malformed arguments, not a store failure: nothing was asked of any store.
            return new LifeboatException(ErrorCode.USAGE, invalid.getMessage(),
                    "write a directory or a store URI such as s3://bucket/prefix?region=eu-west-1", invalid);
        }
        if (ex instanceof StorageException se) {
            return fromStorage(se);
        }
        if (ex instanceof IllegalArgumentException iae) {
            return new LifeboatException(ErrorCode.USAGE, iae.getMessage(), "see --help", iae);
        }
        if (ex instanceof java.io.UncheckedIOException uio) {
            return new LifeboatException(ErrorCode.STORAGE, String.valueOf(uio.getCause().getMessage()), null, uio);
        }
        return new LifeboatException(ErrorCode.INTERNAL, ex.getClass().getSimpleName() + ": " + ex.getMessage(),
                "this is a bug in Lifeboat: run again with --debug and report the output", ex);
    }

    /** The OutOfMemoryError in {@code ex} or its causes (a worker's failure arrives wrapped), or null. */
    static OutOfMemoryError findOutOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /** Running out of memory, with the heap this JVM had (bin/lifeboat chooses it per command). */
    static LifeboatException outOfMemory(OutOfMemoryError ex) {
        long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
        return new LifeboatException(ErrorCode.INTERNAL, "the Java runtime ran out of memory: " + ex.getMessage()
                + " (" + heapMiB + " MiB of heap)",
                "give it more with LIFEBOAT_JAVA_OPTS=-Xmx1g (bin/lifeboat sets each command's heap), or fewer --jobs", ex);
    }

    static LifeboatException fromStorage(StorageException e) {
        String hint = switch (e.kind()) {
            case NOT_FOUND -> "check the repository location (--repo)";
            case ALREADY_EXISTS -> "something else wrote this object; run 'lifeboat verify'";
            case TRANSIENT -> "the store did not answer in time or failed temporarily; retry, and check the network or disk";
            case PERMANENT -> isFull(e) ? "the repository's disk or quota is full: free space there, or run 'lifeboat expire' to"
                    + " remove what retention no longer keeps, then run the command again"
                    : "check the repository location (--repo), its permissions and credentials";
        };
        String where = e.getMessage() != null && e.getMessage().contains(e.location()) ? "" : " (" + e.location() + ")";
        return new LifeboatException(ErrorCode.STORAGE, "storage error" + where + ": " + e.getMessage(), hint, e);
    }

    private static boolean isFull(StorageException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.contains("no space left on device") || message.contains("disk quota exceeded");
    }

    public static void print(CliContext context, LifeboatException failure, OutputFormat output, Throwable debugTrace) {
        if (output == OutputFormat.json) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", failure.code().name());
            error.put("exitCode", failure.code().exitCode());
            error.put("message", failure.getMessage());
            if (failure.hint() != null) {
                error.put("hint", failure.hint());
            }
            try {
                context.out().println(Json.mapper().writeValueAsString(Map.of("error", error)));
            } catch (JsonProcessingException e) {
                context.out().println("{\"error\":{\"message\":\"unprintable\"}}");
            }
        }
        context.err().println("lifeboat: error: " + oneLine(failure.getMessage()));
        if (failure.hint() != null) {
            context.err().println("  hint: " + oneLine(failure.hint()));
        }
        if (debugTrace != null) {
            debugTrace.printStackTrace(context.err());
        }
        context.err().flush();
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }
}
