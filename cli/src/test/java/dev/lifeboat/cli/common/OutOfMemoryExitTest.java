package dev.lifeboat.cli.common;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutOfMemoryExitTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Integer> halted = new ArrayList<>();
    private final List<Throwable> passedOn = new ArrayList<>();

    private OutOfMemoryExit handler(String command) {
        return new OutOfMemoryExit(new PrintStream(err, true, StandardCharsets.UTF_8), command, halted::add,
                (thread, e) -> passedOn.add(e));
    }

    @Test
    void aWorkerThreadOutOfMemoryEndsTheProcessWithOneLineAndTheInternalStatus() {
        handler("agent").uncaughtException(new Thread("lifeboat-agent-push"), new OutOfMemoryError("Java heap space"));

        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(halted).containsExactly(ErrorCode.INTERNAL.exitCode());
        assertThat(printed.lines().toList()).hasSize(2);
        assertThat(printed).startsWith("lifeboat: error: the Java runtime ran out of memory")
                .contains("hint: give it more with LIFEBOAT_JAVA_OPTS=-Xmx")
                .doesNotContain("at java.", "Exception in thread");
        assertThat(passedOn).isEmpty();
    }

    @Test
    void walFetchRunningOutOfMemoryAbortsRecoveryRatherThanSayingNotFound() {
        handler("wal-fetch").uncaughtException(new Thread("prefetch"), new OutOfMemoryError("Direct buffer memory"));

        assertThat(halted).containsExactly(ExitStatus.WAL_FETCH_ABORT_RECOVERY);
    }

    @Test
    void anOutOfMemoryWrappedByAWorkerPoolIsRecognised() {
        RuntimeException wrapped = new LifeboatException(ErrorCode.INTERNAL, "java.lang.OutOfMemoryError: Java heap space", null,
                new java.util.concurrent.ExecutionException(new OutOfMemoryError("Java heap space")));

        handler("backup").uncaughtException(new Thread("lifeboat-backup"), wrapped);

        assertThat(halted).containsExactly(ErrorCode.INTERNAL.exitCode());
        LifeboatException reported = Failures.asLifeboatException(wrapped);
        assertThat(reported.getMessage()).startsWith("the Java runtime ran out of memory: Java heap space (");
        assertThat(reported.hint()).contains("LIFEBOAT_JAVA_OPTS");
    }

    @Test
    void otherUncaughtFailuresAreLeftToTheHandlerBefore() {
        IllegalStateException bug = new IllegalStateException("a bug");

        handler("agent").uncaughtException(new Thread("lifeboat-agent-watch"), bug);

        assertThat(halted).isEmpty();
        assertThat(passedOn).containsExactly(bug);
        assertThat(err.size()).isZero();
    }
}
