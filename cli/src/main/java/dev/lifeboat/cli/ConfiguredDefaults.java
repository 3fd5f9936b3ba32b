package dev.lifeboat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Option values that were not given on the command line: a LIFEBOAT_* environment variable
 * (LIFEBOAT_REPO for --repo, LIFEBOAT_PG_PORT for --pg-port), else the configuration file,
 * else the option's own default. Flags beat the environment, which beats the file.
 */
final class ConfiguredDefaults implements CommandLine.IDefaultValueProvider {

    /** PostgreSQL's own variables that stand for an option when nothing else names it. */
    private static final Map<String, String> POSTGRES_VARIABLES = Map.of("pgdata", "PGDATA");

    private final ConfigFile config;
    private final Map<String, String> env;

    ConfiguredDefaults(ConfigFile config, Map<String, String> env) {
        this.config = config;
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        if (name.equals("config") || name.equals("help") || name.equals("version")) {
            return null;
        }
        String variable = "LIFEBOAT_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        String fromEnv = env.get(variable);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        String command = option.command() == null ? null : option.command().name();
        Optional<String> fromFile = config.value(command, name);
        if (fromFile.isPresent()) {
            return fromFile.get();
        }
        String pgVariable = POSTGRES_VARIABLES.get(name);
        if (pgVariable != null && env.get(pgVariable) != null && !env.get(pgVariable).isEmpty()) {
            return env.get(pgVariable);
        }
        return null;
    }
}
