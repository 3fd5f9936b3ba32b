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
        if (configured.isPresent()) {
            String reason = ex.getCause() instanceof CommandLine.TypeConversionException conversion ? conversion.getMessage() : ex.getMessage();
            if (ex.getCause() instanceof RefusedValueException refused && refused.hint() != null) {
                reason += ": " + refused.hint();
            }
            err.println("lifeboat: error: " + configured.get().where() + ": bad value: " + reason);
            err.println("  hint: fix the value (it stands for " + optionName(ex.getArgSpec()) + "; see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            code = ErrorCode.CONFIG;
        } else {
            err.println("lifeboat: error: " + ex.getMessage());
            err.println("  hint: " + (ex.getCause() instanceof RefusedValueException refused && refused.hint() != null
                    ? refused.hint() : "see '" + cmd.getCommandSpec().qualifiedName() + " --help'"));
            code = ErrorCode.USAGE;
        }
        err.flush();
        return ExitStatus.ofFailure(cmd.getCommandName(), code);
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
