package dev.lifeboat.cli.common;

/** --output: text for people, json for scripts. */
public enum OutputFormat {
    text, json
}
