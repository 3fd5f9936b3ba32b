package dev.lifeboat.cli;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.ConfigFile;
import dev.lifeboat.cli.common.ExitStatus;
import dev.lifeboat.cli.command.AgentCommand;
import dev.lifeboat.cli.command.BackupCommand;
import dev.lifeboat.cli.command.CheckCommand;
import dev.lifeboat.cli.command.DemoCommand;
import dev.lifeboat.cli.command.DrillCommand;
import dev.lifeboat.cli.command.ExpireCommand;
import dev.lifeboat.cli.command.InfoCommand;
import dev.lifeboat.cli.command.InitCommand;
import dev.lifeboat.cli.command.KeyCommand;
import dev.lifeboat.cli.command.PromoteCommand;
import dev.lifeboat.cli.command.ReplicateCommand;
import dev.lifeboat.cli.command.ReportCommand;
import dev.lifeboat.cli.command.RestoreCommand;
import dev.lifeboat.cli.command.VerifyCommand;
import dev.lifeboat.cli.command.ScheduleCommand;
import dev.lifeboat.cli.command.WalFetchCommand;
import dev.lifeboat.cli.command.WalPushCommand;
import dev.lifeboat.core.LifeboatVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/** Builds the picocli command tree with Lifeboat's configuration, output and exit-code rules. */
final class CommandLineFactory {

    private CommandLineFactory() {
    }

    @Command(name = "lifeboat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Backup, WAL archiving, point-in-time restore and restore drills for PostgreSQL.",
            subcommands = {InitCommand.class, BackupCommand.class, WalPushCommand.class, WalFetchCommand.class,
                    RestoreCommand.class, DrillCommand.class, VerifyCommand.class, PromoteCommand.class, ReplicateCommand.class,
                    InfoCommand.class, CheckCommand.class, ReportCommand.class, AgentCommand.class, ExpireCommand.class, ScheduleCommand.class, KeyCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"lifeboat " + LifeboatVersion.version()};
        }
    }

    static CommandLine create(PrintStream out, PrintStream err, Map<String, String> env, String[] args) {
        CliContext context = new CliContext(out, err, env, ConfigFile.locate(args, env));
        CommandLine cli = new CommandLine(new Root(), new ContextFactory(context));
        cli.getCommandSpec().usageMessage().footer("", ExitStatus.helpFooter());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ConfiguredDefaults defaults = new ConfiguredDefaults(context.config(), env);
        cli.setDefaultValueProvider(defaults);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new FailureReporter(context));
        cli.setParameterExceptionHandler(new UsageErrorReporter(defaults));
        return cli;
    }

    /** Hands every command the shared context through its constructor. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
