package dev.lifeboat.cli;

/** --output: text for people, json for scripts. */
public enum OutputFormat {
    text, json
}
