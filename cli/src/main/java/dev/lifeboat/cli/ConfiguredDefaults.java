package dev.lifeboat.cli;

import dev.lifeboat.cli.common.ConfigFile;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.IdentityHashMap;
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
    /** Where each supplied value came from, so that a bad one is blamed on the file or variable, not on a flag. */
    private final Map<ArgSpec, Supplied> supplied = new IdentityHashMap<>();

    /** A value this provider gave an option, and where it was written ("environment variable LIFEBOAT_JOBS", "FILE: key 'jobs'"). */
    record Supplied(String where, String value) {
    }

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
            return supply(option, "environment variable " + variable, fromEnv);
        }
        String command = option.command() == null ? null : option.command().name();
        Optional<ConfigFile.Setting> fromFile = config.setting(command, name);
        if (fromFile.isPresent()) {
            String file = config.path().map(Object::toString).orElse("the configuration file");
            return supply(option, file + ": key '" + fromFile.get().key() + "'", fromFile.get().value());
        }
        String pgVariable = POSTGRES_VARIABLES.get(name);
        if (pgVariable != null && env.get(pgVariable) != null && !env.get(pgVariable).isEmpty()) {
            return env.get(pgVariable);
        }
        return null;
    }

    private String supply(ArgSpec option, String where, String value) {
        supplied.put(option, new Supplied(where, value));
        return value;
    }

    /** Where the value picocli could not take for this option came from, if this provider gave it. */
    Optional<Supplied> supplied(ArgSpec option, String value) {
        Supplied s = option == null ? null : supplied.get(option);
        return s != null && (value == null || s.value().equals(value)) ? Optional.of(s) : Optional.empty();
    }
}
