package dev.lifeboat.cli;

import dev.lifeboat.cli.common.ExitStatus;
import dev.lifeboat.cli.option.RefusedValueException;
import dev.lifeboat.core.error.ErrorCode;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * A wrong flag gets one line, where to look for help, and exit status 2. A wrong value that
 * came from the configuration file or a LIFEBOAT_* variable is a configuration error (exit 3)
 * naming the file and key, or the variable: no flag was given, so the user must not look for one.
 * For `check --output nagios` either also gets the plugin's status line on stdout and exits 3
 * (UNKNOWN): a monitor would read 2 as CRITICAL.
 */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {

    private final ConfiguredDefaults defaults;

    UsageErrorReporter(ConfiguredDefaults defaults) {
        this.defaults = defaults;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        Optional<ConfiguredDefaults.Supplied> configured = ex.getArgSpec() == null || givenAsFlag(ex.getArgSpec(), ex.getValue(), args)
                ? Optional.empty() : defaults.supplied(ex.getArgSpec(), ex.getValue());
        ErrorCode code;
        String problem;
        if (configured.isPresent()) {
            String reason = ex.getCause() instanceof CommandLine.TypeConversionException conversion ? conversion.getMessage() : ex.getMessage();
            if (ex.getCause() instanceof RefusedValueException refused && refused.hint() != null) {
                reason += ": " + refused.hint();
            }
            problem = "configuration error: " + configured.get().where() + ": bad value: " + reason;
            err.println("lifeboat: error: " + configured.get().where() + ": bad value: " + reason);
            err.println("  hint: fix the value (it stands for " + optionName(ex.getArgSpec()) + "; see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            code = ErrorCode.CONFIG;
        } else {
            problem = "usage error: " + ex.getMessage();
            err.println("lifeboat: error: " + ex.getMessage());
            err.println("  hint: " + (ex.getCause() instanceof RefusedValueException refused && refused.hint() != null
                    ? refused.hint() : "see '" + cmd.getCommandSpec().qualifiedName() + " --help'"));
            code = ErrorCode.USAGE;
        }
        err.flush();
        if (forNagios(cmd, args)) {
            return NagiosUsageError.report(cmd, problem); // the monitor reads stdout and the exit status
        }
        return ExitStatus.ofFailure(cmd.getCommandName(), code);
    }

    /**
     * Whether the command that failed to parse is `check --output nagios` (from the flag, a
     * LIFEBOAT_OUTPUT variable or the configuration file): a monitor reads its answer.
     */
    private boolean forNagios(CommandLine cmd, String[] args) {
        if (!"check".equals(cmd.getCommandSpec().name())) {
            return false;
        }
        String output = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--output") && i + 1 < args.length) {
                output = args[i + 1];
            } else if (args[i].startsWith("--output=")) {
                output = args[i].substring("--output=".length());
            }
        }
        if (output == null) {
            OptionSpec option = cmd.getCommandSpec().findOption("--output");
            output = option == null ? null : defaults.defaultValue(option);
        }
        return "nagios".equalsIgnoreCase(output == null ? null : output.strip());
    }

    private static String optionName(ArgSpec spec) {
        return spec instanceof OptionSpec option ? option.longestName() : spec.paramLabel();
    }

    /** Whether this very value was typed after the option's flag (then the flag is to blame, whatever the file says). */
    private static boolean givenAsFlag(ArgSpec spec, String value, String[] args) {
        if (!(spec instanceof OptionSpec option)) {
            return true;
        }
        for (int i = 0; i < args.length; i++) {
            for (String name : option.names()) {
                if (args[i].equals(name + "=" + value) || args[i].equals(name) && i + 1 < args.length && args[i + 1].equals(value)) {
                    return true;
                }
            }
        }
        return false;
    }
}
