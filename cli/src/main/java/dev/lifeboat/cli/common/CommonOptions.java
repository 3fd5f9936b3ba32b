package dev.lifeboat.cli.common;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {

    @Option(names = "--output", paramLabel = "text|json", description = {"Output format: text or json (default: text); check also",
            "takes nagios and prometheus."})
    public OutputFormat output = OutputFormat.text;

    @Option(names = "--debug", description = "Print stack traces and request details on failure.")
    public boolean debug;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file (default: $LIFEBOAT_CONFIG, else /etc/lifeboat/lifeboat.yaml if it exists).")
    public String config;
}
