package dev.lifeboat.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.CommonOptions;
import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The base of every command: common options, the process context, and printing a result as
 * text or JSON. A command builds a request, calls a service and prints what comes back.
 */
public abstract class LifeboatSubcommand implements Callable<Integer> {

    protected final CliContext context;

    @Mixin
    private CommonOptions common = new CommonOptions();

    @Spec
    private CommandSpec spec;

    protected LifeboatSubcommand(CliContext context) {
        this.context = context;
    }

    public CommonOptions common() {
        return common;
    }

    @Override
    public final Integer call() {
        try {
            context.config().check();
            context.config().checkKeys(spec.root());
            if (common.output.forMonitors() && !answersMonitors()) {
                throw new LifeboatException(ErrorCode.USAGE, "--output " + common.output + " is for lifeboat check only",
                        "use --output text or json here");
            }
            return execute();
        } catch (Error e) {
            // picocli hands only Exceptions to the failure reporter; an Error (a native library that
            // cannot load, no memory left) would end the JVM with a stack trace and exit 1.
            throw Failures.asLifeboatException(e);
        }
    }

    /** Whether --output nagios and prometheus make sense for this command (check's monitors). */
    protected boolean answersMonitors() {
        return false;
    }

    /** Does the work; returns the exit status (0 unless the command has a non-error outcome to report). */
    protected abstract int execute();

    protected PrintStream out() {
        return context.out();
    }

    protected PrintStream err() {
        return context.err();
    }

    protected OutputFormat output() {
        return common.output;
    }

    protected boolean json() {
        return common.output == OutputFormat.json;
    }

    /** Prints the result as JSON, or through the text renderer. */
    protected void print(Object result, Consumer<PrintStream> text) {
        if (json()) {
            try {
                out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } catch (JsonProcessingException e) {
                throw new LifeboatException(ErrorCode.INTERNAL, "cannot print result as JSON: " + e.getMessage(), null, e);
            }
        } else {
            text.accept(out());
        }
        out().flush();
    }

    /**
     * Says on stderr, in the one-line error form, why a command that printed its result (a
     * failed drill, a verify that found damage) still fails; returns the code's exit status.
     */
    protected int failed(ErrorCode code, String message, String hint) {
        err().println("lifeboat: error: " + message.replace('\n', ' '));
        if (hint != null) {
            err().println("  hint: " + hint.replace('\n', ' '));
        }
        err().flush();
        return code.exitCode();
    }

    protected static <T> T required(T value, String option, String hint) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new LifeboatException(ErrorCode.USAGE, option + " is required", hint);
        }
        return value;
    }
}
