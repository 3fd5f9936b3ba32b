package dev.lifeboat.core.pg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pg_amcheck} against one database of a running instance: every table's heap and every
 * B-tree index, with the amcheck extension installed where it is missing (so run it only on a
 * copy: a drill's scratch instance). Embedded server bundles have no pg_amcheck: then the check
 * cannot run, which is not the same as passing.
 */
public final class PgAmcheck {

    private static final int MAX_OUTPUT = 4000;

    private final Path program;

    private PgAmcheck(Path program) {
        this.program = program;
    }

    /** What pg_amcheck said about one database. */
    public record Outcome(boolean passed, String output) {
    }

    /** pg_amcheck from these binaries, if they have it. */
    public static Optional<PgAmcheck> of(PgBinaries binaries) {
        return binaries.findTool("pg_amcheck").map(PgAmcheck::new);
    }

    /** Checks {@code database} of the running {@code instance}. */
    public Outcome check(PgInstance instance, String database, Duration timeout) {
        List<String> command = new ArrayList<>(List.of(program.toString(), "--host", instance.connectHost(),
                "--port", Integer.toString(instance.port()), "--username", instance.user(), "--no-password",
                "--install-missing", "--maintenance-db", database));
        // The database as a separate word (not a pattern): "--database" would match it as one.
        command.add("--database");
        command.add(literalPattern(database));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PGCONNECT_TIMEOUT", "10");
        if (instance.password() != null) {
            environment.put("PGPASSWORD", instance.password());
        }
        ExternalCommand.Result result = new ExternalCommand(command, environment, timeout).run();
        String output = result.output();
        if (output.length() > MAX_OUTPUT) {
            output = output.substring(0, MAX_OUTPUT) + " …";
        }
        return new Outcome(result.succeeded(), output);
    }

    /** A pg_amcheck pattern that matches exactly this name (quoted, so * ? . are plain characters). */
    static String literalPattern(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
