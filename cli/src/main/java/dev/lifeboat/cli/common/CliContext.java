package dev.lifeboat.cli.common;

import java.io.PrintStream;
import java.util.Map;

/**
 * What every command gets from the process: its streams, its environment and the
 * configuration file, so that tests run the whole CLI in-process.
 */
public record CliContext(PrintStream out, PrintStream err, Map<String, String> env, ConfigFile config) {
}
